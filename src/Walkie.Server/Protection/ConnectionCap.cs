using System.Globalization;

namespace Walkie.Server.Protection;

/// <summary>
/// The total connection cap. Every connection is a file descriptor, and a process that runs out of them fails
/// in unrelated places (it was seen to crash), so the cap stays a safe margin below the open-file limit.
/// </summary>
internal static class ConnectionCap
{
    /// <summary>Where the limit cannot be read (not Linux), assume the usual default soft limit.</summary>
    private const int AssumedFileLimit = 1024;

    public static int Resolve(int configured, int? fileLimit = null)
    {
        var limit = fileLimit ?? ReadFileLimit() ?? AssumedFileLimit;
        var safe = Math.Max(16, limit - Math.Max(64, limit / 20));
        return configured > 0 ? Math.Min(configured, safe) : safe;
    }

    /// <summary>The soft "Max open files" of this process, from /proc/self/limits.</summary>
    public static int? ReadFileLimit()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return int.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
