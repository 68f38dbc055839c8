using System.Collections.Concurrent;
using System.Globalization;

namespace Walkie.Attack;

/// <summary>Prints the figures of one attack as markdown table rows, as soon as each is known.</summary>
internal sealed class Report(string attack)
{
    public void Row(string figure, string value)
    {
        Console.WriteLine($"| {attack} | {Cell(figure)} | {Cell(value)} |");
        Console.Out.Flush();
    }

    private static string Cell(string text) => text.Replace("|", "/", StringComparison.Ordinal).ReplaceLineEndings(" ");

    public static string Mib(long? bytes) =>
        bytes is { } b ? string.Create(CultureInfo.InvariantCulture, $"{b / 1048576.0:F0} MiB") : "n/a (server gone)";

    public static string Rate(long count, TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{count / Math.Max(elapsed.TotalSeconds, 0.001):N0}/s");

    public static string N(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    public static string S(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:F1} s");
}

/// <summary>Counts outcomes by name ("ok", an error code, "connection closed"), from many tasks at once.</summary>
internal sealed class Tally
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public void Add(string outcome) => _counts.AddOrUpdate(outcome, 1, (_, n) => n + 1);

    public long this[string outcome] => _counts.GetValueOrDefault(outcome);

    public long Total => _counts.Values.Sum();

    public override string ToString() => Except();

    /// <summary>The counts, largest first, leaving out the given outcomes.</summary>
    public string Except(params string[] left)
    {
        var shown = _counts.Where(kv => !left.Contains(kv.Key)).OrderByDescending(kv => kv.Value).ToList();
        return shown.Count == 0 ? "none" : string.Join(", ", shown.Select(kv => $"{kv.Key} {Report.N(kv.Value)}"));
    }
}
