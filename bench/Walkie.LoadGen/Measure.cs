using System.Diagnostics;

namespace Walkie.LoadGen;

/// <summary>Latency samples in milliseconds, safe to add to from many connections' callbacks.</summary>
internal sealed class Samples
{
    private readonly List<double> _values = [];
    private readonly Lock _lock = new();

    public void Add(double ms)
    {
        lock (_lock) { _values.Add(ms); }
    }

    public int Count
    {
        get { lock (_lock) { return _values.Count; } }
    }

    public Summary Summarize()
    {
        double[] sorted;
        lock (_lock) { sorted = [.. _values.Order()]; }
        double At(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return new Summary(sorted.Length, At(0.50), At(0.95), At(0.99), sorted.Length == 0 ? double.NaN : sorted[^1]);
    }

    public static double Since(long start) => Stopwatch.GetElapsedTime(start).TotalMilliseconds;
}

internal sealed record Summary(int Count, double P50, double P95, double P99, double Max)
{
    public override string ToString() => $"n={Count} p50={P50:F2} p95={P95:F2} p99={P99:F2} max={Max:F2} ms";
}

/// <summary>Reads the server processes' memory and CPU time from /proc, summed over the nodes of a cluster.</summary>
internal sealed class ServerProbe(IReadOnlyList<int> pids)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public long ResidentBytes() => pids.Sum(ResidentBytes);

    public double CpuSeconds() => pids.Sum(CpuSeconds);

    private static long ResidentBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
            }
        }
        return 0;
    }

    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the command name: field 14 (utime) and 15 (stime) are at indexes 11 and 12.
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond;
    }

    public double OwnCpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
}
