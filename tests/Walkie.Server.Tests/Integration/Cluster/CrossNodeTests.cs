using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration.Cluster;

/// <summary>Members connected to different nodes of one cluster share one channel: one roster, one floor, one relay.</summary>
[Collection(ClusterCollection.Name)]
public class CrossNodeTests : IAsyncLifetime
{
    private RunningCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await RunningCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task MembersOnThreeNodesSeeEachOtherRelayOnlyInTheirChannelAndShareOneFloor()
    {
        await using var ann = await _cluster.JoinOnAsync(0, "ops", "Ann");
        await using var bob = await _cluster.JoinOnAsync(1, "ops", "Bob");
        await using var cat = await _cluster.ConnectToAsync(2);
        var snapshot = await cat.JoinAsync("ops", "Cat");
        Assert.Equal(new[] { ann.Id, bob.Id }.Order(StringComparer.Ordinal), snapshot.GetProperty("participants").EnumerateArray().Select(p => p.Str("id")).Order(StringComparer.Ordinal));
        Assert.Equal(bob.Id, (await ann.NextAsync("ParticipantJoined")).Str("id"));
        Assert.Equal(cat.Id, (await ann.NextAsync("ParticipantJoined")).Str("id"));
        Assert.Equal(cat.Id, (await bob.NextAsync("ParticipantJoined")).Str("id"));

        // A signal crosses nodes to its target alone; a stranger on another node's channel cannot be reached.
        await using var eve = await _cluster.JoinOnAsync(2, "elsewhere", "Eve");
        await ann.InvokeAsync("Signal", new { to = cat.Id, candidate = new { candidate = "candidate:1 1 udp 1 192.0.2.1 9 typ host", sdpMid = "0" } });
        Assert.Equal(ann.Id, (await cat.NextAsync("Signal")).Str("from"));
        Assert.Equal("unknown-participant", await ann.ErrorCodeOf("Signal", new { to = eve.Id, candidate = new { candidate = "candidate:1 1 udp 1 192.0.2.1 9 typ host", sdpMid = "0" } }));
        Assert.Empty(bob.Drain("Signal"));

        // One floor: Bob on node 1 holds it, Cat on node 2 queues, Ann on node 0 is told of both.
        var granted = await bob.InvokeAsync("RequestFloor", new { });
        Assert.Equal("granted", granted.Str("outcome"));
        var queued = await cat.InvokeAsync("RequestFloor", new { });
        Assert.Equal(("queued", 1), (queued.Str("outcome"), queued.GetProperty("position").GetInt32()));
        var seen = await ann.NextAsync("FloorChanged", f => f.GetProperty("queue").GetArrayLength() == 1);
        Assert.Equal(bob.Id, seen.GetProperty("holder").Str("id"));

        // Hand-over across nodes: Bob lets go, Cat is granted, Ann sees Cat on air.
        await bob.InvokeAsync("ReleaseFloor", new { });
        await cat.NextAsync("FloorGranted");
        var handed = await ann.NextAsync("FloorChanged", f => f.GetProperty("holder").ValueKind != System.Text.Json.JsonValueKind.Null && f.GetProperty("holder").Str("id") == cat.Id);
        Assert.Empty(handed.GetProperty("queue").EnumerateArray());

        await cat.InvokeAsync("Leave", new { });
        Assert.Equal(cat.Id, (await bob.NextAsync("ParticipantLeft")).Str("id"));
        var cleared = await ann.NextAsync("FloorChanged", f => f.GetProperty("holder").ValueKind == System.Text.Json.JsonValueKind.Null);
        Assert.True(cleared.GetProperty("seq").GetInt64() > handed.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task AResumeOnAnotherNodeClosesTheConnectionItReplacedOnItsOwnNode()
    {
        await using var ann = await _cluster.JoinOnAsync(0, "moving", "Ann");
        int? host = null;
        await Eventually.Holds(() => Task.FromResult((host = _cluster.HostOf("moving")) is not null), "a node to say it hosts the channel");
        // Neither of Bob's connections is on the channel's node: it has to reach the old one's node to close it.
        var (oldNode, newNode) = ((host!.Value + 1) % 3, (host.Value + 2) % 3);
        await using var bob = await _cluster.JoinOnAsync(oldNode, "moving", "Bob");
        var closed = new TaskCompletionSource();
        bob.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        await using var phone = await _cluster.ConnectToAsync(newNode);
        await phone.JoinAsync("moving", "Bob", resume: bob.ResumeToken);
        Assert.Equal(bob.Id, phone.Id);
        await closed.Task.WaitAsync(RunningServer.Timeout);

        // Ann saw Bob join and come back, never leave or go away; a newcomer finds him once.
        Assert.Equal(bob.Id, (await ann.NextAsync("ParticipantJoined")).Str("id"));
        Assert.Equal(bob.Id, (await ann.NextAsync("ParticipantJoined")).Str("id"));
        await using var late = await _cluster.ConnectToAsync(host.Value);
        var seen = (await late.JoinAsync("moving", "Late")).GetProperty("participants").EnumerateArray().Select(p => p.Str("id"));
        Assert.Equal(new[] { ann.Id, bob.Id }.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.Empty(ann.Drain("ParticipantLeft"));
        Assert.Empty(ann.Drain("ParticipantAway"));
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public class ClusterCollection
{
    // Each test class starts three server processes, Redis and nginx: one class at a time on a 2-core machine.
    public const string Name = "cluster";
}
