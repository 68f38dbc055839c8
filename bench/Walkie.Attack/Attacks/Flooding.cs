using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using static Walkie.Attack.Report;

namespace Walkie.Attack.Attacks;

/// <summary>Attacks by a member who calls legitimate methods far faster than any person could.</summary>
internal static class Flooding
{
    public static async Task MemberFlood(Target target, Report report)
    {
        long candidates = 0, offers = 0;
        var victim = await target.Open(c => c.On<JsonElement>("Signal", signal =>
            Interlocked.Increment(ref signal.TryGetProperty("candidate", out _) ? ref candidates : ref offers)));
        var victimId = await victim.Join("flood", "victim");
        var attacker = await target.Open();
        await attacker.Join("flood", "attacker");

        var candidate = new { candidate = "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", sdpMid = "0", sdpMLineIndex = 0 };
        await Phase("candidates", new { to = victimId, candidate }, () => Interlocked.Read(ref candidates));
        var sdp = Flood.Sdp(16 * 1024);
        await Phase("16 KiB offers", new { to = victimId, description = new { type = "offer", sdp } }, () => Interlocked.Read(ref offers));
        await new[] { victim, attacker }.DisposeAll();

        async Task Phase(string what, object signal, Func<long> delivered)
        {
            var answers = new Tally();
            var before = delivered();
            var elapsed = await Flood.Run(16, TimeSpan.FromSeconds(5), async (_, ct) =>
            {
                var outcome = await Outcome.Of(attacker.InvokeAsync("Signal", signal, ct), ct);
                answers.Add(outcome);
                return outcome != Outcome.Closed;
            });
            var accepted = answers[Outcome.Ok];
            // Whatever was accepted is given a moment to arrive; what is still missing then counts as not delivered.
            await Flood.Until(() => delivered() - before >= accepted, TimeSpan.FromSeconds(3));
            var got = delivered() - before;
            report.Row($"{what}: sent / accepted / delivered per second", $"{Rate(answers.Total, elapsed)} / {Rate(accepted, elapsed)} / {Rate(got, elapsed)}");
            report.Row($"{what}: totals in {S(elapsed)}", $"sent {N(answers.Total)}, delivered {N(got)}; answers: {answers}");
        }
    }

    public static async Task FloorAmplification(Target target, Report report)
    {
        long changes = 0;
        var victim = await target.Open(c => c.On<JsonElement>("FloorChanged", _ => Interlocked.Increment(ref changes)));
        await victim.Join("amp", "victim");
        var joins = new Tally();
        var attackers = new List<HubConnection>();
        for (var i = 0; i < 15; i++)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                var attacker = await target.Open();
                attackers.Add(attacker);
                joins.Add(await Outcome.Of(attacker.InvokeAsync<JsonElement>("Join", new { channel = "amp", name = $"bot {i}" }, timeout.Token), timeout.Token));
            }
            catch (Exception e)
            {
                joins.Add($"connect {Outcome.Classify(e, timeout.Token)}");
            }
        }
        foreach (var attacker in attackers)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Outcome.Of(attacker.InvokeAsync<JsonElement>("RequestFloor", new { }, timeout.Token), timeout.Token);
        }
        report.Row("attacker connections joined (one holds the floor, the rest queue)", joins.ToString());

        var answers = new Tally();
        var start = Interlocked.Read(ref changes);
        var elapsed = await Flood.Run(attackers.Count, TimeSpan.FromSeconds(5), async (worker, ct) =>
        {
            var attacker = attackers[worker];
            var released = await Outcome.Of(attacker.InvokeAsync("ReleaseFloor", new { }, ct), ct);
            answers.Add(released);
            var requested = await Outcome.Of(attacker.InvokeAsync<JsonElement>("RequestFloor", new { }, ct), ct);
            answers.Add(requested);
            return released != Outcome.Closed && requested != Outcome.Closed;
        });
        await Task.Delay(500);
        var seen = Interlocked.Read(ref changes) - start;
        report.Row("FloorChanged events received by the victim", $"{Rate(seen, elapsed)} ({N(seen)} in {S(elapsed)})");
        report.Row("attackers' Request/Release calls", $"{Rate(answers.Total, elapsed)}; answers: {answers}");
        await attackers.Append(victim).DisposeAll();
    }

    public static async Task RefreshIce(Target target, Report report)
    {
        var client = await target.Open();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            var joined = await client.InvokeAsync<JsonElement>("Join", new { channel = "ice", name = "user" }, timeout.Token);
            report.Row("TURN credential in the Join snapshot", HasCredential(joined) ? "yes" : "no (is TURN enabled?)");
        }
        var answers = new Tally();
        long minted = 0;
        var elapsed = await Flood.Run(16, TimeSpan.FromSeconds(5), async (_, ct) =>
        {
            var (outcome, result) = await Outcome.OfResult(client.InvokeAsync<JsonElement>("RefreshIceServers", new { }, ct), ct);
            answers.Add(outcome);
            if (outcome == Outcome.Ok && HasCredential(result))
            {
                Interlocked.Increment(ref minted);
            }
            return outcome != Outcome.Closed;
        });
        report.Row("TURN credentials minted per second (one client)", $"{Rate(minted, elapsed)} ({N(minted)} in {S(elapsed)})");
        report.Row("all answers", answers.ToString());
        await new[] { client }.DisposeAll();
    }

    private static bool HasCredential(JsonElement result) =>
        result.TryGetProperty("iceServers", out var servers)
        && servers.EnumerateArray().Any(s => s.TryGetProperty("credential", out _));
}
