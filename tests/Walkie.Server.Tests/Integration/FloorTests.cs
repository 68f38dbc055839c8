using System.Text.Json;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration;

public class FloorTests : IAsyncLifetime
{
    /// <summary>Where this suite runs; the cluster suite runs the same tests through nginx against three nodes.</summary>
    private protected virtual async Task<IWalkieTarget> StartAsync(Dictionary<string, string?>? settings = null) =>
        await RunningServer.StartAsync(settings);

    private IWalkieTarget _server = null!;

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static Func<JsonElement, bool> HeldBy(TestClient? c) => f => f.HolderId() == c?.Id;

    [Fact]
    public async Task GrantQueueAndHandOverToTheQueueHead()
    {
        await using var ann = await _server.JoinAsync("crew", "Ann");
        await using var bob = await _server.JoinAsync("crew", "Bob");
        await using var cy = await _server.JoinAsync("crew", "Cy");

        var granted = await ann.InvokeAsync("RequestFloor", new { });
        Assert.Equal("granted", granted.Str("outcome"));
        var changed = await cy.NextAsync("FloorChanged");
        Assert.Equal(ann.Id, changed.HolderId());
        Assert.True(changed.GetProperty("expiresAt").GetInt64() > changed.GetProperty("since").GetInt64());

        Assert.Equal("granted", (await ann.InvokeAsync("RequestFloor", new { })).Str("outcome"));

        var queued = await bob.InvokeAsync("RequestFloor", new { });
        Assert.Equal(("queued", 1, ann.Id), (queued.Str("outcome"), queued.GetProperty("position").GetInt32(), queued.GetProperty("holder").Str("id")));
        var cyQueued = await cy.InvokeAsync("RequestFloor", new { });
        Assert.Equal(2, cyQueued.GetProperty("position").GetInt32());
        var withQueue = await ann.NextAsync("FloorChanged", f => f.GetProperty("queue").GetArrayLength() == 2);
        Assert.Equal([bob.Id, cy.Id], withQueue.GetProperty("queue").EnumerateArray().Select(p => p.Str("id")));

        await ann.InvokeAsync("ReleaseFloor", new { });
        Assert.True((await bob.NextAsync("FloorGranted")).GetProperty("expiresAt").GetInt64() > 0);
        var handedOver = await cy.NextAsync("FloorChanged", HeldBy(bob));
        Assert.Equal([cy.Id], handedOver.GetProperty("queue").EnumerateArray().Select(p => p.Str("id")));

        // Cy gives up waiting; Bob's release leaves the floor idle.
        await cy.InvokeAsync("ReleaseFloor", new { });
        await bob.InvokeAsync("ReleaseFloor", new { });
        await ann.NextAsync("FloorChanged", HeldBy(null));
        Assert.Empty(cy.Drain("FloorGranted"));
    }

    [Fact]
    public async Task ReleasingWithoutHoldingChangesNothing()
    {
        await using var ann = await _server.JoinAsync("crew", "Ann");
        await using var bob = await _server.JoinAsync("crew", "Bob");
        await ann.InvokeAsync("RequestFloor", new { });
        await bob.InvokeAsync("ReleaseFloor", new { });

        // A stranger's release must leave Ann on air: Bob's own request still queues behind her.
        var queued = await bob.InvokeAsync("RequestFloor", new { });
        Assert.Equal(("queued", ann.Id), (queued.Str("outcome"), queued.GetProperty("holder").Str("id")));
        await using var late = await _server.ConnectAsync();
        Assert.Equal(ann.Id, (await late.JoinAsync("crew", "Late")).GetProperty("floor").HolderId());

        await bob.InvokeAsync("ReleaseFloor", new { });
        await ann.InvokeAsync("ReleaseFloor", new { });
        var changes = new[] { await late.NextAsync("FloorChanged"), await late.NextAsync("FloorChanged") };
        Assert.Equal([ann.Id, null], changes.Select(c => c.HolderId()));
        Assert.Equal(0, changes[0].GetProperty("queue").GetArrayLength());
    }

    [Fact]
    public async Task TheFloorIsFreedWhenTheHolderDisconnects()
    {
        await using var ann = await _server.JoinAsync("crew", "Ann");
        var bob = await _server.JoinAsync("crew", "Bob");
        await using var cy = await _server.JoinAsync("crew", "Cy");
        await bob.InvokeAsync("RequestFloor", new { });
        await cy.InvokeAsync("RequestFloor", new { });
        await ann.NextAsync("FloorChanged", f => f.GetProperty("queue").GetArrayLength() == 1);

        await bob.DisposeAsync();
        var within = TimeSpan.FromSeconds(1);
        Assert.Equal(bob.Id, (await ann.NextAsync("ParticipantAway", within)).Str("id"));
        await ann.NextAsync("FloorChanged", HeldBy(cy), within);
        await cy.NextAsync("FloorGranted", within);
    }

    [Fact]
    public async Task TheCallerLearnsTheFloorFromItsAnswerAndGetsNoEchoOfItsOwnChange()
    {
        await using var ann = await _server.JoinAsync("crew", "Ann");
        await using var bob = await _server.JoinAsync("crew", "Bob");
        var granted = await ann.InvokeAsync("RequestFloor", new { });
        Assert.Equal(ann.Id, granted.GetProperty("floor").HolderId());
        var queued = await bob.InvokeAsync("RequestFloor", new { });
        Assert.Equal([bob.Id], queued.GetProperty("floor").GetProperty("queue").EnumerateArray().Select(p => p.Str("id")));
        var released = await ann.InvokeAsync("ReleaseFloor", new { });
        Assert.Equal(bob.Id, released.HolderId());
        // Every change counts up, so a client can tell a stale floor from a newer one whatever order it reads them in.
        var seqs = new[] { granted, queued }.Select(a => a.GetProperty("floor").GetProperty("seq").GetInt64()).Append(released.GetProperty("seq").GetInt64());
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(3, seqs.Distinct().Count());

        await bob.NextAsync("FloorGranted");
        await bob.InvokeAsync("ReleaseFloor", new { });
        await ann.NextAsync("FloorChanged", f => f.HolderId() is null);

        // Each heard exactly the changes the other made: Ann Bob's queueing and release, Bob Ann's grant and release.
        Assert.Empty(ann.Drain("FloorChanged"));
        Assert.Equal([ann.Id, bob.Id], bob.Drain("FloorChanged").Select(f => f.HolderId()));
        await using var late = await _server.ConnectAsync();
        Assert.Null((await late.JoinAsync("crew", "Late")).GetProperty("floor").HolderId());
    }

    [Fact]
    public async Task ASnapshotShowsTheCurrentHolder()
    {
        await using var ann = await _server.JoinAsync("crew", "Ann");
        await ann.InvokeAsync("RequestFloor", new { });
        await using var bob = await _server.ConnectAsync();
        var snapshot = await bob.JoinAsync("crew", "Bob");
        Assert.Equal(ann.Id, snapshot.GetProperty("floor").HolderId());
        Assert.Equal("Ann", snapshot.GetProperty("floor").GetProperty("holder").Str("name"));
    }
}

public class FloorOptionsTests
{
    [Fact]
    public async Task WithoutQueueingABusyFloorIsDenied()
    {
        await using var server = await RunningServer.StartAsync(new() { ["Walkie:FloorQueue"] = "false" });
        await using var ann = await server.JoinAsync("crew", "Ann");
        await using var bob = await server.JoinAsync("crew", "Bob");
        await ann.InvokeAsync("RequestFloor", new { });
        var denied = await bob.InvokeAsync("RequestFloor", new { });
        Assert.Equal("denied", denied.Str("outcome"));
        Assert.Equal(ann.Id, denied.GetProperty("holder").Str("id"));
        Assert.False(denied.TryGetProperty("position", out _));
    }

    [Fact]
    public async Task TheTimeLimitRevokesAndPassesTheFloorOn()
    {
        await using var server = await RunningServer.StartAsync(new() { ["Walkie:TransmitLimit"] = "00:00:00.500" });
        await using var ann = await server.JoinAsync("crew", "Ann");
        await using var bob = await server.JoinAsync("crew", "Bob");
        await ann.InvokeAsync("RequestFloor", new { });
        await bob.InvokeAsync("RequestFloor", new { });

        Assert.Equal("time-limit", (await ann.NextAsync("FloorRevoked")).Str("reason"));
        await bob.NextAsync("FloorGranted");
        await ann.NextAsync("FloorChanged", f => f.HolderId() == bob.Id);
        Assert.Equal("time-limit", (await bob.NextAsync("FloorRevoked")).Str("reason"));
        await ann.NextAsync("FloorChanged", f => f.HolderId() is null);
    }
}
