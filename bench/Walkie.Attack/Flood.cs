using System.Diagnostics;

namespace Walkie.Attack;

internal static class Flood
{
    /// <summary>
    /// Runs <paramref name="workers"/> loops of <paramref name="attempt"/> (given the worker's index) until
    /// <paramref name="duration"/> is up or an attempt returns false. Attempts still running then get five seconds
    /// more, after which their token is cancelled. Returns how long it all took.
    /// </summary>
    public static async Task<TimeSpan> Run(int workers, TimeSpan duration, Func<int, CancellationToken, Task<bool>> attempt)
    {
        using var hardStop = new CancellationTokenSource(duration + TimeSpan.FromSeconds(5));
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            while (watch.Elapsed < duration && !hardStop.IsCancellationRequested)
            {
                try
                {
                    if (!await attempt(worker, hardStop.Token))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException) when (hardStop.IsCancellationRequested)
                {
                    break;
                }
            }
        })));
        return watch.Elapsed;
    }

    /// <summary>Waits until <paramref name="done"/> holds or <paramref name="limit"/> passes, checking every 20 ms.</summary>
    public static async Task Until(Func<bool> done, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (!done() && watch.Elapsed < limit)
        {
            await Task.Delay(20);
        }
    }

    /// <summary>A syntactically plausible SDP of exactly <paramref name="bytes"/> ASCII bytes.</summary>
    public static string Sdp(int bytes, string attribute = "a=x-pad:")
    {
        const string head = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
        return head + attribute + new string('x', bytes - head.Length - attribute.Length - 2) + "\r\n";
    }
}
