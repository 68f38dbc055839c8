using System.Diagnostics;
using System.Text.Json;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration.Cluster;

/// <summary>A node dies with SIGKILL: what its channels and its members become on the nodes that are left.</summary>
[Collection(ClusterCollection.Name)]
public class FailoverTests
{
    [Fact]
    public async Task KillingTheNodeThatHostsAChannelKeepsOtherNodesMembersAndTheChannelWorksAgainWithinFiveSeconds()
    {
        await using var cluster = await RunningCluster.StartAsync();
        var members = new List<TestClient>();
        for (var node = 0; node < 3; node++)
        {
            members.Add(await cluster.JoinOnAsync(node, "ops", $"m{node}"));
        }
        var host = await HostAsync(cluster, "ops");
        var gone = members[host];
        var left = members.Where((_, i) => i != host).ToList();

        // Floor changes before the kill, which the rebuilt channel's must follow in order.
        await left[0].InvokeAsync("RequestFloor", new { });
        var before = (await left[0].InvokeAsync("ReleaseFloor", new { })).GetProperty("seq").GetInt64();

        await left[1].NextAsync("FloorChanged", f => f.HolderId() is null);
        left[1].Drain("FloorChanged");

        cluster.Nodes[host].Kill();
        var clock = Stopwatch.StartNew();
        // Works again: a survivor is granted the floor and the other survivor is told so.
        JsonElement granted = default;
        while (true)
        {
            try
            {
                granted = await left[0].InvokeAsync("RequestFloor", new { });
                break;
            }
            catch (Exception e) when (clock.Elapsed < TimeSpan.FromSeconds(10) && e is Microsoft.AspNetCore.SignalR.HubException or TimeoutException)
            {
                await Task.Delay(100);
            }
        }
        var recovered = clock.Elapsed;
        Console.WriteLine($"channel ops worked again {recovered.TotalMilliseconds:F0} ms after its host was killed");
        Assert.Equal("granted", granted.Str("outcome"));
        Assert.True(granted.GetProperty("floor").GetProperty("seq").GetInt64() > before, "a client would drop the rebuilt channel's floor as stale");
        Assert.True(recovered < TimeSpan.FromSeconds(5), $"the channel worked again only after {recovered}");
        await left[1].NextAsync("FloorChanged", f => f.HolderId() == left[0].Id);

        // The dead node's member comes back through nginx on a survivor, with its token: the same id, and nobody twice.
        await using var back = await cluster.ConnectAsync();
        var rejoined = await back.JoinAsync("ops", "m-back", resume: gone.ResumeToken);
        Assert.Equal(gone.Id, rejoined.GetProperty("self").Str("id"));
        Assert.Equal(gone.Id, (await left[1].NextAsync("ParticipantJoined", p => p.Str("id") == gone.Id)).Str("id"));
        await using var late = await cluster.ConnectAsync();
        var everyone = (await late.JoinAsync("ops", "late")).GetProperty("participants").EnumerateArray().Select(p => p.Str("id")).ToList();
        Assert.Equal(everyone.Distinct().Count(), everyone.Count);
        Assert.True(
            new[] { gone.Id, left[0].Id, left[1].Id }.Order(StringComparer.Ordinal).SequenceEqual(everyone.Order(StringComparer.Ordinal)),
            $"late joiner sees [{string.Join(", ", everyone)}]; {Hosts(cluster, "ops")}");
        await members.DisposeAllAsync();
    }

    [Fact]
    public async Task AFloorHeldByAMemberOfADeadNodeIsFreedWithinTheLease()
    {
        var lease = TimeSpan.FromSeconds(3);
        await using var cluster = await RunningCluster.StartAsync(new() { ["Walkie:Cluster:Lease"] = lease.ToString() });
        await using var watcher = await cluster.JoinOnAsync(0, "ops", "watcher");
        var host = await HostAsync(cluster, "ops");
        // The holder is on neither the channel's host nor the watcher's node: the channel lives on, and only the lease
        // can free the floor.
        var holderNode = Enumerable.Range(1, 2).First(n => n != host);
        var holder = await cluster.JoinOnAsync(holderNode, "ops", "holder");
        Assert.Equal("granted", (await holder.InvokeAsync("RequestFloor", new { })).Str("outcome"));
        await watcher.NextAsync("FloorChanged", f => f.HolderId() == holder.Id);

        cluster.Nodes[holderNode].Kill();
        var clock = Stopwatch.StartNew();
        var freed = await watcher.NextAsync("FloorChanged", f => f.HolderId() is null, lease * 3);
        Console.WriteLine($"the dead node's floor was freed {clock.ElapsedMilliseconds} ms after it was killed (lease {lease})");
        Assert.True(clock.Elapsed < lease + TimeSpan.FromSeconds(2), $"freed only after {clock.Elapsed}");
        var left = await watcher.NextAsync("ParticipantLeft", TimeSpan.FromSeconds(5)).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result.Str("id") : null);
        Assert.True(left == holder.Id, $"no ParticipantLeft for the holder; {Hosts(cluster, "ops")}");
        Assert.Equal(JsonValueKind.Null, freed.GetProperty("holder").ValueKind);
    }

    [Fact]
    public async Task ANodeShuttingDownTellsItsOwnClientsAndNoOneElses()
    {
        await using var cluster = await RunningCluster.StartAsync();
        await using var leaving = await cluster.JoinOnAsync(0, "ops", "leaving");
        await using var staying = await cluster.JoinOnAsync(1, "ops", "staying");

        cluster.Nodes[0].Terminate();
        await leaving.NextAsync("ServerClosing");
        // Its clients reconnect elsewhere; a client of a node that is not stopping must not wait for a restart.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => staying.NextAsync("ServerClosing", _ => true, TimeSpan.FromSeconds(2)));
    }

    private static string Hosts(RunningCluster cluster, string channel) =>
        string.Join("; ", cluster.Nodes.Select((n, i) => $"node {i} alive={n.IsAlive} hosted {n.Output.Split($"Channel {channel} is hosted").Length - 1}×"));

    private static async Task<int> HostAsync(RunningCluster cluster, string channel)
    {
        int? host = null;
        await Eventually.Holds(() => Task.FromResult((host = cluster.HostOf(channel)) is not null), $"a node to say it hosts {channel}");
        return host!.Value;
    }
}
