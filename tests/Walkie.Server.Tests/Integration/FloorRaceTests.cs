using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration;

public class FloorRaceTests
{
    /// <summary>Where this suite runs; the cluster suite runs the same tests through nginx against three nodes.</summary>
    private protected virtual async Task<IWalkieTarget> StartAsync(Dictionary<string, string?>? settings = null) =>
        await RunningServer.StartAsync(settings);

    private const int Clients = 50;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(4);

    /// <summary>
    /// Each client marks its hold from the moment it learns of its grant until just before it sends the release.
    /// The server's hold contains that span, so if the server never has two holders the spans never overlap.
    /// </summary>
    [Fact]
    public async Task FiftyClientsFightingForTheFloorNeverHoldItTogether()
    {
        // Each client presses as fast as the server answers: far past any human's budget, so the limits are off.
        await using var server = await StartAsync(new()
        {
            ["Walkie:MaxParticipantsPerChannel"] = "64",
            ["Walkie:MaxFloorQueue"] = "64",
            ["Walkie:RateLimits:Enabled"] = "false",
        });
        var clients = new List<TestClient>();
        for (var i = 0; i < Clients; i++)
        {
            clients.Add(await server.JoinAsync("race", $"c{i}"));
        }
        await using var observer = await server.JoinAsync("race", "observer");

        var holds = new ConcurrentBag<(long Start, long End, int Client)>();
        var until = Stopwatch.GetTimestamp() + (long)(Duration.TotalSeconds * Stopwatch.Frequency);
        var loops = clients.Select((c, i) => Task.Run(() => Cycle(c, i, until, holds))).ToArray();
        await Task.WhenAll(loops).WaitAsync(Duration + TimeSpan.FromSeconds(30));

        var ordered = holds.OrderBy(h => h.Start).ToList();
        Assert.True(ordered.Count > Clients, $"only {ordered.Count} grants: the test did not exercise the floor");
        for (var i = 1; i < ordered.Count; i++)
        {
            Assert.True(ordered[i].Start > ordered[i - 1].End,
                $"client {ordered[i].Client} held the floor while client {ordered[i - 1].Client} still did");
        }

        // Every FloorChanged the observer saw is well formed, and the last one is idle. The final change may still be
        // on its way to the observer when the last release returns, so read until an idle floor arrives.
        var changes = observer.Drain("FloorChanged");
        while (changes.Count == 0 || changes[^1].HolderId() is not null)
        {
            changes.Add(await observer.NextAsync("FloorChanged"));
        }
        changes.AddRange(observer.Drain("FloorChanged"));
        Assert.True(changes.Count >= ordered.Count);
        foreach (var change in changes)
        {
            var queue = change.GetProperty("queue").EnumerateArray().Select(p => p.Str("id")).ToList();
            Assert.Equal(queue.Count, queue.Distinct().Count());
            Assert.DoesNotContain(change.HolderId(), queue);
        }
        Assert.Null(changes[^1].HolderId());
        await using var late = await server.ConnectAsync();
        Assert.Null((await late.JoinAsync("race", "late")).GetProperty("floor").HolderId());

        foreach (var c in clients)
        {
            await c.DisposeAsync();
        }
    }

    private static async Task Cycle(TestClient client, int index, long until, ConcurrentBag<(long, long, int)> holds)
    {
        var grants = new SemaphoreSlim(0);
        client.Connection.On<object>("FloorGranted", _ => grants.Release());
        var random = new Random(index);
        while (Stopwatch.GetTimestamp() < until)
        {
            var outcome = (await client.InvokeAsync("RequestFloor", new { })).Str("outcome");
            if (outcome == "queued")
            {
                // The grant may arrive before the "queued" reply; the semaphore counts it either way.
                Assert.True(await grants.WaitAsync(TimeSpan.FromSeconds(20)), "a queued client was never granted");
            }
            else
            {
                Assert.Equal("granted", outcome);
            }
            var start = Stopwatch.GetTimestamp();
            if (random.Next(4) == 0)
            {
                await Task.Yield();
            }
            var end = Stopwatch.GetTimestamp();
            holds.Add((start, end, index));
            await client.InvokeAsync("ReleaseFloor", new { });
        }
    }
}
