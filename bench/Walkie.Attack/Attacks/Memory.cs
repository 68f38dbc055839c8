using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using static Walkie.Attack.Report;

namespace Walkie.Attack.Attacks;

/// <summary>Attacks on the server's memory: a member that never reads, idle sockets, and unused negotiations.</summary>
internal static class Memory
{
    public static async Task SlowReader(Target target, Report report)
    {
        var duration = TimeSpan.FromSeconds(10);
        const int sdpBytes = 16 * 1024;
        var rssStart = target.Rss();
        var clock = Stopwatch.StartNew();
        using var peak = new PeakSampler(target, clock);
        using var stop = new CancellationTokenSource(duration + TimeSpan.FromSeconds(20));

        // A: a raw client with a small receive window, which joins and then never reads again.
        using var a = await RawHub.Connect(target.EndPoint, stop.Token, receiveBufferBytes: 4096);
        await a.Ping(stop.Token);
        var joined = await a.Invoke("Join", new { channel = "slow", name = "reader" }, stop.Token);
        var aId = joined.GetProperty("self").GetProperty("id").GetString();

        // B: the same person's second connection, which relays 16 KiB offers to A as fast as the server takes them.
        long accepted = 0;
        var aLeft = new TaskCompletionSource<(TimeSpan At, long Accepted)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var b = await target.Open(c => c.On<JsonElement>("ParticipantLeft", left =>
        {
            if (left.GetProperty("id").GetString() == aId)
            {
                aLeft.TrySetResult((clock.Elapsed, Interlocked.Read(ref accepted)));
            }
        }));
        await b.Join("slow", "reader");

        // A keeps pinging so that the server cannot call it dead; only its reading has stopped.
        var pinging = PingUntil(a, clock, duration, stop.Token);
        var answers = new Tally();
        var sdp = Flood.Sdp(sdpBytes);
        clock.Restart();
        var elapsed = await Flood.Run(8, duration, async (_, ct) =>
        {
            var outcome = await Outcome.Of(b.InvokeAsync("Signal", new { to = aId, description = new { type = "offer", sdp } }, ct), ct);
            answers.Add(outcome);
            if (outcome == Outcome.Ok)
            {
                Interlocked.Increment(ref accepted);
            }
            return outcome != Outcome.Closed;
        });
        var aSendFailed = await pinging;
        await Task.Delay(1000);

        report.Row("server RSS start / peak / 1 s after", $"{Mib(rssStart)} / {Mib(peak.Peak)} / {Mib(target.Rss())}");
        if (peak.DiedAt is { } died)
        {
            report.Row("server process ended", $"{S(died)} into the flood, after {Mib(accepted * sdpBytes)} of offers were accepted for A");
        }
        // A server at its heap cap fails writes too, which also ends connections: that is no defence.
        var outOfMemory = target.LogSince(0).Contains("OutOfMemoryException", StringComparison.Ordinal);
        report.Row("A (never reads) closed by the server", aLeft.Task.IsCompleted
            ? $"yes, B saw A leave after {S(aLeft.Task.Result.At)}, when {N(aLeft.Task.Result.Accepted)} offers " +
              $"({Mib(aLeft.Task.Result.Accepted * sdpBytes)}) had been accepted for A" +
              (outOfMemory ? "; the server had also hit its heap limit (OutOfMemoryException in its log)" : "")
            : peak.DiedAt is not null ? "no, the server process ended first" : $"no, A still a member after {S(elapsed)}");
        report.Row("A's pings (every 2 s)", aSendFailed is { } t ? $"failed after {S(t)} (connection gone)"
            : peak.DiedAt is not null ? "n/a (the server process ended)" : "all went out");
        report.Row("B's 16 KiB offers to A", $"{N(accepted)} accepted ({Rate(accepted, elapsed)}, {Mib(accepted * sdpBytes)}); all answers: {answers}");
        report.Row("B's connection at the end", b.State.ToString());
        await new[] { b }.DisposeAll();
    }

    /// <returns>When a ping failed, or null if every ping went out.</returns>
    private static async Task<TimeSpan?> PingUntil(RawHub hub, Stopwatch clock, TimeSpan duration, CancellationToken ct)
    {
        while (clock.Elapsed < duration + TimeSpan.FromSeconds(1))
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(2));
                await hub.Ping(timeout.Token);
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                return clock.Elapsed;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
        return null;
    }

    public static async Task ConnectionFlood(Target target, Report report)
    {
        // The open-file limit here is 20,000 for this process and for the server: stay clear of it.
        const int max = 19_000;
        var rssBefore = target.Rss();
        var open = new ConcurrentBag<RawHub>();
        var refused = new Tally();
        var attempts = 0;
        var elapsed = await Flood.Run(64, TimeSpan.FromSeconds(10), async (_, ct) =>
        {
            if (Interlocked.Increment(ref attempts) > max)
            {
                return false;
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                // Handshake only, no ping: an idle socket that costs the attacker nothing.
                open.Add(await RawHub.Connect(target.EndPoint, timeout.Token));
            }
            catch (Exception e)
            {
                refused.Add(Outcome.Classify(e, timeout.Token));
            }
            return true;
        });
        var rssOpen = target.Rss();
        report.Row("idle WebSockets accepted (handshake done)", $"{N(open.Count)} in {S(elapsed)} ({Rate(open.Count, elapsed)})");
        report.Row("refused or failed", refused.ToString());
        report.Row("/healthz while they are open", await target.Health());

        // A server that drops silent clients would have closed them by now (its timeout plus its one-second check).
        await Task.Delay(TimeSpan.FromSeconds(12));
        var closed = open.Count(h => h.PeerClosed());
        report.Row("closed by the server within 12 s of idling", $"{N(closed)} of {N(open.Count)}");
        report.Row("server RSS before / all open / 12 s later", $"{Mib(rssBefore)} / {Mib(rssOpen)} / {Mib(target.Rss())}");
        foreach (var hub in open)
        {
            hub.Dispose();
        }
    }

    public static async Task NegotiateFlood(Target target, Report report)
    {
        var negotiate = new Uri(target.Hub + "/negotiate?negotiateVersion=1");
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { Timeout = TimeSpan.FromSeconds(5) };
        var answers = new Tally();
        var rssBefore = target.Rss();
        using var peak = new PeakSampler(target, Stopwatch.StartNew());
        var elapsed = await Flood.Run(16, TimeSpan.FromSeconds(10), async (_, ct) =>
        {
            try
            {
                using var response = await http.PostAsync(negotiate, null, ct);
                await response.Content.ReadAsByteArrayAsync(ct);
                answers.Add(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (Exception e)
            {
                answers.Add(Outcome.Classify(e, ct));
            }
            return true;
        });
        var rssAfter = target.Rss();
        var ok = answers["200"];
        report.Row("negotiations answered 200", $"{N(ok)} ({Rate(ok, elapsed)})");
        report.Row("refused or failed", $"{N(answers.Total - ok)} ({answers.Except("200")})");
        await Task.Delay(TimeSpan.FromSeconds(15));
        report.Row("server RSS before / peak / after / 15 s later", $"{Mib(rssBefore)} / {Mib(peak.Peak)} / {Mib(rssAfter)} / {Mib(target.Rss())}");
    }
}

/// <summary>
/// The server's highest resident memory while it is watched. The kernel's own high-water mark is used while the
/// process lives; sampling covers a process that dies before it is read.
/// </summary>
internal sealed class PeakSampler : IDisposable
{
    private readonly Target _target;
    private readonly CancellationTokenSource _stop = new();
    private long _sampled;

    /// <param name="clock">What <see cref="DiedAt"/> is measured on.</param>
    public PeakSampler(Target target, Stopwatch clock)
    {
        _target = target;
        _ = Task.Run(async () =>
        {
            // Bounded by Dispose, and by the process's own end at most two minutes later.
            for (var i = 0; i < 1200 && !_stop.IsCancellationRequested; i++)
            {
                if (target.Rss() is not { } rss)
                {
                    DiedAt = clock.Elapsed;
                    return;
                }
                Interlocked.Exchange(ref _sampled, Math.Max(Interlocked.Read(ref _sampled), rss));
                await Task.Delay(100);
            }
        });
    }

    /// <summary>When the process was first seen gone, if it was.</summary>
    public TimeSpan? DiedAt { get; private set; }

    public long? Peak => _target.PeakRss() ?? (Interlocked.Read(ref _sampled) is var s and > 0 ? s : null);

    public void Dispose() => _stop.Cancel();
}
