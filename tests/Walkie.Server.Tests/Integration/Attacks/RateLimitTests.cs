using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration.Attacks;

public class RateLimitTests : IAsyncLifetime
{
    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>Fires calls for the given time without waiting for answers, then counts the answers by outcome.</summary>
    /// <returns>Also the seconds from the first call to the last answer: the budget refills all that time.</returns>
    private static async Task<(int Ok, int Limited, string? Hint, double Seconds)> Flood(TestClient client, string method, object argument, TimeSpan duration)
    {
        var calls = new List<Task>();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration && calls.Count < 20_000)
        {
            calls.Add(client.Connection.InvokeCoreAsync(method, typeof(object), [argument]));
            if (calls.Count % 64 == 0)
            {
                await Task.Yield();
            }
        }
        int ok = 0, limited = 0;
        string? hint = null;
        foreach (var call in calls)
        {
            try
            {
                await call.WaitAsync(RunningServer.Timeout);
                ok++;
            }
            catch (HubException e)
            {
                var (code, message) = WireError.Parse(e.Message);
                Assert.Equal("rate-limited", code);
                hint ??= message;
                limited++;
            }
        }
        return (ok, limited, hint, watch.Elapsed.TotalSeconds);
    }

    [Fact]
    public async Task ASignalFloodIsCutToTheBudgetAndTheVictimReceivesABoundedNumber()
    {
        await using var victim = await _server.JoinAsync("crew", "Victim");
        await using var attacker = await _server.JoinAsync("crew", "Attacker");
        var candidate = new { to = victim.Id, candidate = new { candidate = "candidate:1 1 udp 1 192.0.2.1 9 typ host" } };

        var (ok, limited, hint, seconds) = await Flood(attacker, "Signal", candidate, TimeSpan.FromSeconds(2));
        Assert.True(limited > 0, $"{ok} signals went through without a refusal");
        Assert.Matches(@"too many Signal calls from your connection \(retry in \d+ ms\)$", hint);
        // A burst of 400, then 100 a second.
        Assert.InRange(ok, 400, 400 + 100 * seconds);

        // The victim got exactly what was accepted, and its own connection still works.
        await victim.InvokeAsync("RequestFloor", new { });
        await attacker.NextAsync("FloorChanged", f => f.HolderId() == victim.Id);
        Assert.Equal(ok, victim.Drain("Signal").Count);
    }

    [Fact]
    public async Task LargeOffersCostMoreOfTheBudget()
    {
        await using var victim = await _server.JoinAsync("crew", "Victim");
        await using var attacker = await _server.JoinAsync("crew", "Attacker");
        var offer = new { to = victim.Id, description = new { type = "offer", sdp = new string('x', 16 * 1024) } };
        var (ok, limited, _, seconds) = await Flood(attacker, "Signal", offer, TimeSpan.FromSeconds(1));
        Assert.True(limited > 0);
        // 17 tokens each (one, plus one per KiB): the 400-token burst and 100 a second go 17 times less far.
        Assert.InRange(ok, 400 / 17, 1 + (400 + 100 * seconds) / 17);
    }

    [Fact]
    public async Task FloorPressesAreBudgetedSoAQueueCannotAmplifyFloorChangesWithoutBound()
    {
        await using var victim = await _server.JoinAsync("crew", "Victim");
        await using var holder = await _server.JoinAsync("crew", "Holder");
        await using var attacker = await _server.JoinAsync("crew", "Attacker");
        await holder.InvokeAsync("RequestFloor", new { });
        await victim.NextAsync("FloorChanged", f => f.HolderId() == holder.Id);

        var requests = Flood(attacker, "RequestFloor", new { }, TimeSpan.FromSeconds(1));
        var releases = Flood(attacker, "ReleaseFloor", new { }, TimeSpan.FromSeconds(1));
        var (requested, requestsLimited, _, seconds) = await requests;
        var (released, releasesLimited, _, _) = await releases;
        Assert.True(requestsLimited > 0 && releasesLimited > 0);
        Assert.InRange(requested, 20, 20 + 5 * seconds);

        await holder.InvokeAsync("ReleaseFloor", new { });
        await victim.NextAsync("FloorChanged", f => f.HolderId() != holder.Id);
        Assert.InRange(victim.Drain("FloorChanged").Count, 0, requested + released);
    }

    [Fact]
    public async Task TurnCredentialsAreNotMintedWithoutBound()
    {
        await using var server = await RunningServer.StartAsync(new()
        {
            ["Walkie:Turn:Enabled"] = "true",
            ["Walkie:Turn:Secret"] = "0123456789abcdef0123",
            ["Walkie:Turn:Urls:0"] = "turn:127.0.0.1:3478",
        });
        await using var client = await server.JoinAsync("crew", "Ann");
        var (ok, limited, _, seconds) = await Flood(client, "RefreshIceServers", new { }, TimeSpan.FromSeconds(1));
        Assert.True(limited > 0);
        Assert.InRange(ok, 20, 20 + seconds);
    }

    [Fact]
    public async Task RejoinStormsFromOneConnectionAreBudgeted()
    {
        await using var client = await _server.JoinAsync("crew", "Ann");
        var (ok, limited, _, seconds) = await Flood(client, "Join", new { channel = "crew", name = "Ann" }, TimeSpan.FromSeconds(1));
        Assert.True(limited > 0);
        // The first join took one of the ten.
        Assert.InRange(ok, 9, 9 + seconds);
    }
}
