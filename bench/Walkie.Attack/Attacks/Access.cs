using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using static Walkie.Attack.Report;

namespace Walkie.Attack.Attacks;

/// <summary>Attacks on who gets into which channel: guessing a PIN, taking every channel, claiming a name first.</summary>
internal static class Access
{
    public static async Task PasscodeGuess(Target target, Report report)
    {
        var owner = await target.Open();
        await owner.Join("vault", "owner", "4711");
        var attacker = await target.Open();

        var answers = new Tally();
        var tested = 0; // PINs the server actually said something about
        (int Guesses, TimeSpan At)? hit = null;
        var clock = Stopwatch.StartNew();
        for (var pin = 0; pin <= 9999 && clock.Elapsed < TimeSpan.FromSeconds(10);)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var passcode = pin.ToString("D4", CultureInfo.InvariantCulture);
            var outcome = await Outcome.Of(attacker.InvokeAsync<JsonElement>("Join", new { channel = "vault", name = "guesser", passcode }, timeout.Token), timeout.Token);
            answers.Add(outcome);
            if (outcome == Outcome.Ok)
            {
                hit = (++tested, clock.Elapsed);
                break;
            }
            if (outcome == Outcome.Closed)
            {
                break;
            }
            // Only a wrong-passcode answer rules the PIN out; after anything else (rate-limited) it is tried again.
            if (outcome == "wrong-passcode")
            {
                tested++;
                pin++;
            }
        }
        var elapsed = clock.Elapsed;
        report.Row("PINs tested per second (one connection)", $"{Rate(tested, elapsed)} ({N(tested)} in {S(elapsed)})");
        report.Row("right PIN 4711 accepted", hit is { } h
            ? $"yes, at guess {N(h.Guesses)} after {S(h.At)}"
            : $"no, {N(tested)} PINs tested in {S(elapsed)}");
        report.Row("rate-limited answers", N(answers["rate-limited"]));
        report.Row("all answers", answers.ToString());
        report.Row("attacker's connection at the end", attacker.State.ToString());
        await new[] { owner, attacker }.DisposeAll();
    }

    public static async Task ChannelSquat(Target target, Report report)
    {
        const int max = 10_000;
        var rssBefore = target.Rss();
        var held = new ConcurrentBag<RawHub>();
        var answers = new Tally();
        var attempts = 0;
        using var stopPinging = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var pinger = PingAll(held, stopPinging.Token);
        var elapsed = await Flood.Run(32, TimeSpan.FromSeconds(10), async (_, ct) =>
        {
            var n = Interlocked.Increment(ref attempts);
            if (n > max)
            {
                return false;
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            RawHub? hub = null;
            try
            {
                hub = await RawHub.Connect(target.EndPoint, timeout.Token);
                await hub.Ping(timeout.Token);
                await hub.Invoke("Join", new { channel = $"squat-{n}", name = "squatter", passcode = $"pin-{n}" }, timeout.Token);
                answers.Add(Outcome.Ok);
                held.Add(hub);
                hub = null;
            }
            catch (Exception e)
            {
                answers.Add(Outcome.Classify(e, timeout.Token));
            }
            finally
            {
                hub?.Dispose();
            }
            return true;
        });
        report.Row("channels created from 127.0.0.1", $"{N(answers[Outcome.Ok])} in {S(elapsed)} ({Rate(answers[Outcome.Ok], elapsed)})");
        report.Row("all answers", answers.ToString());
        report.Row("server RSS before / after", $"{Mib(rssBefore)} / {Mib(target.Rss())}");
        report.Row("fresh user from 127.0.0.1 creates a channel", await FreshChannel(target, IPAddress.Loopback, "fresh-a"));
        report.Row("fresh user from 127.0.0.2 creates a channel", await FreshChannel(target, IPAddress.Parse("127.0.0.2"), "fresh-b"));
        await stopPinging.CancelAsync();
        await pinger;
        foreach (var hub in held)
        {
            hub.Dispose();
        }
    }

    private static async Task<string> FreshChannel(Target target, IPAddress source, string channel)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            using var hub = await RawHub.Connect(target.EndPoint, timeout.Token, source: source);
            await hub.Ping(timeout.Token);
            await hub.Invoke("Join", new { channel, name = "fresh" }, timeout.Token);
            return "yes";
        }
        catch (Exception e)
        {
            return $"no: {Outcome.Classify(e, timeout.Token)}";
        }
    }

    /// <summary>Squatters ping like good clients, so a server that drops silent ones cannot free their channels.</summary>
    private static async Task PingAll(ConcurrentBag<RawHub> hubs, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            foreach (var hub in hubs.ToArray())
            {
                try
                {
                    await hub.Ping(ct);
                }
                catch (Exception)
                {
                    // A closed squatter is counted nowhere; the fresh-user check shows what is left.
                }
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(3), ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public static async Task Precreate(Target target, Report report)
    {
        var attacker = await target.Open();
        await attacker.Join("team", "early-bird");
        var owner = await target.Open();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var (outcome, snapshot) = await Outcome.OfResult(
            owner.InvokeAsync<JsonElement>("Join", new { channel = "team", name = "owner", passcode = "s3cret" }, timeout.Token), timeout.Token);
        report.Row("owner joins 'team' with passcode s3cret after an attacker created it without one", outcome == Outcome.Ok
            ? $"admitted, {snapshot.GetProperty("participants").GetArrayLength()} other(s) already inside"
            : $"refused: {outcome}");
        if (outcome == Outcome.Ok)
        {
            // Anything beyond today's snapshot could be how a server tells the owner; list it rather than guess.
            string[] known = ["self", "channel", "participants", "floor", "iceServers", "iceTransportPolicy", "limits", "negotiation"];
            var extra = snapshot.EnumerateObject().Select(p => p.Name).Except(known).ToList();
            report.Row("snapshot fields beyond today's contract", extra.Count == 0 ? "none (admitted silently)" : string.Join(", ", extra));
        }
        await new[] { attacker, owner }.DisposeAll();
    }
}
