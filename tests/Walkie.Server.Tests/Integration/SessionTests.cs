using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.SignalR.Client;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration;

/// <summary>A dropped connection is not a leave: the member is away, and their resume token brings them back.</summary>
public class SessionTests : IAsyncLifetime
{
    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AResumeTokenBringsTheSameParticipantBackAfterADrop()
    {
        await using var ann = await _server.JoinAsync("crew", "Ann");
        var bob = await _server.JoinAsync("crew", "Bob");
        var (id, token) = (bob.Id, bob.ResumeToken);
        await bob.DisposeAsync();
        Assert.Equal(id, (await ann.NextAsync("ParticipantAway")).Str("id"));

        await using var again = await _server.ConnectAsync();
        var snapshot = await again.JoinAsync("crew", "Bob", resume: token);
        Assert.True(snapshot.GetProperty("resumed").GetBoolean());
        Assert.Equal((id, "Bob"), (again.Id, again.Name));
        Assert.Equal([ann.Id], snapshot.GetProperty("participants").EnumerateArray().Select(p => p.Str("id")));
        Assert.Empty(snapshot.GetProperty("away").EnumerateArray());
        Assert.Equal(id, (await ann.NextAsync("ParticipantJoined")).Str("id"));
        Assert.Empty(ann.Drain("ParticipantLeft"));

        // The seat is live again: signals reach it and its floor requests count.
        await ann.InvokeAsync("Signal", new { to = id, candidate = new { candidate = "" } });
        Assert.Equal(ann.Id, (await again.NextAsync("Signal")).Str("from"));
        Assert.Equal("granted", (await again.InvokeAsync("RequestFloor", new { })).Str("outcome"));
    }

    [Fact]
    public async Task ResumingReplacesAConnectionTheServerStillThinksIsOpen()
    {
        await using var ann = await _server.JoinAsync("crew", "Ann");
        await using var bob = await _server.JoinAsync("crew", "Bob");
        await bob.InvokeAsync("RequestFloor", new { });
        await ann.NextAsync("FloorChanged", f => f.HolderId() == bob.Id);
        var closed = new TaskCompletionSource();
        bob.Connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };

        // Bob's phone switched networks: his new connection resumes while the old one still looks alive.
        await using var phone = await _server.ConnectAsync();
        var snapshot = await phone.JoinAsync("crew", "Bob", resume: bob.ResumeToken);
        Assert.Equal(bob.Id, phone.Id);
        await closed.Task.WaitAsync(RunningServer.Timeout);

        // Ann saw Bob come back once, never leave, and the floor freed: the old connection was on air, this one is not.
        Assert.Equal(bob.Id, (await ann.NextAsync("ParticipantJoined")).Str("id"));
        await ann.NextAsync("FloorChanged", f => f.HolderId() is null);
        Assert.Null(snapshot.GetProperty("floor").HolderId());
        await using var late = await _server.ConnectAsync();
        var seen = (await late.JoinAsync("crew", "Late")).GetProperty("participants").EnumerateArray().Select(p => p.Str("id")).ToList();
        Assert.Equal(2, seen.Count);
        Assert.Contains(bob.Id, seen);
        Assert.Empty(ann.Drain("ParticipantLeft"));
        Assert.Empty(ann.Drain("ParticipantAway"));
    }

    [Fact]
    public async Task AnAbsentHolderLosesTheFloorAtOnceAndAQueuedMemberKeepsTheirPlace()
    {
        await using var ann = await _server.JoinAsync("crew", "Ann");
        var bob = await _server.JoinAsync("crew", "Bob");
        await using var cy = await _server.JoinAsync("crew", "Cy");
        await using var dee = await _server.JoinAsync("crew", "Dee");
        await ann.InvokeAsync("RequestFloor", new { });
        await bob.InvokeAsync("RequestFloor", new { });
        await cy.InvokeAsync("RequestFloor", new { });
        var (bobId, token) = (bob.Id, bob.ResumeToken);

        await bob.DisposeAsync();
        await dee.NextAsync("ParticipantAway");
        // Ann releases: Bob is first in line but away, so Cy gets the floor and Bob keeps his place.
        await ann.InvokeAsync("ReleaseFloor", new { });
        await cy.NextAsync("FloorGranted");
        var handedOver = await dee.NextAsync("FloorChanged", f => f.HolderId() == cy.Id);
        Assert.Equal([bobId], handedOver.GetProperty("queue").EnumerateArray().Select(p => p.Str("id")));

        await using var back = await _server.ConnectAsync();
        await back.JoinAsync("crew", "Bob", resume: token);
        await cy.InvokeAsync("ReleaseFloor", new { });
        await back.NextAsync("FloorGranted");

        // A holder who drops loses the floor at once, not after the grace.
        await dee.NextAsync("FloorChanged", f => f.HolderId() == bobId);
        await back.DisposeAsync();
        await dee.NextAsync("FloorChanged", f => f.HolderId() is null, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task AQuietChannelKeepsItsMembersWhenTheServerCollectsIdleActivations()
    {
        await using var server = await RunningServer.StartAsync();
        await using var ann = await server.JoinAsync("quiet", "Ann", "pw");
        await using var bob = await server.JoinAsync("quiet", "Bob", "pw");
        await ann.NextAsync("ParticipantJoined");

        // What Orleans does to an activation idle for its collection age (15 minutes), at once.
        var management = server.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);

        // Still the same channel with both in it: the floor is theirs, and a newcomer needs the passcode and sees them.
        Assert.Equal("granted", (await ann.InvokeAsync("RequestFloor", new { })).Str("outcome"));
        await bob.NextAsync("FloorChanged", f => f.HolderId() == ann.Id);
        await using var cy = await server.ConnectAsync();
        Assert.Equal("passcode-required", await cy.ErrorCodeOf("Join", new { channel = "quiet", name = "Cy" }));
        Assert.Equal(2, (await cy.JoinAsync("quiet", "Cy", "pw")).GetProperty("participants").GetArrayLength());
        // Not a channel rebuilt from what this node remembered: that would announce each of them to the other again.
        Assert.DoesNotContain(ann.Drain("ParticipantJoined"), e => e.Str("id") == bob.Id);
        Assert.DoesNotContain(bob.Drain("ParticipantJoined"), e => e.Str("id") == ann.Id);
    }

    [Fact]
    public async Task ANameIsReservedWhileItsOwnerIsAwayAndFreedWhenTheGraceEnds()
    {
        await using var server = await RunningServer.StartAsync(new() { ["Walkie:Resume:Grace"] = "00:00:01" });
        await using var ann = await server.JoinAsync("crew", "Ann");
        var bob = await server.JoinAsync("crew", "Bob");
        var (bobId, token) = (bob.Id, bob.ResumeToken);
        await bob.DisposeAsync();
        await ann.NextAsync("ParticipantAway");

        // An impostor reacting to the drop cannot take the name.
        await using (var impostor = await server.JoinAsync("crew", "Bob"))
        {
            Assert.Equal("Bob 2", impostor.Name);
        }
        Assert.Equal(bobId, (await ann.NextAsync("ParticipantLeft", e => e.Str("id") == bobId, TimeSpan.FromSeconds(3))).Str("id"));

        // Past the grace the token finds no seat: Bob joins afresh, under his own name again.
        await using var late = await server.ConnectAsync();
        var snapshot = await late.JoinAsync("crew", "Bob", resume: token);
        Assert.False(snapshot.GetProperty("resumed").GetBoolean());
        Assert.NotEqual(bobId, late.Id);
        Assert.Equal("Bob", late.Name);
    }

    [Fact]
    public async Task ForgedForeignAndSpentTokensJoinAfresh()
    {
        await using var ann = await _server.JoinAsync("crew", "Ann");
        await using var other = await _server.JoinAsync("other", "Ann");
        var tampered = ann.ResumeToken[..^2] + (ann.ResumeToken[^2..] == "AA" ? "BB" : "AA");
        foreach (var token in new[] { tampered, other.ResumeToken, "not.a-token", new string('x', 5000) })
        {
            await using var client = await _server.ConnectAsync();
            var snapshot = await client.JoinAsync("crew", "Bob", resume: token);
            Assert.False(snapshot.GetProperty("resumed").GetBoolean());
            Assert.NotEqual(ann.Id, client.Id);
        }

        // An explicit Leave gives the seat up: others see it at once, and the token no longer resumes.
        await using var cy = await _server.JoinAsync("crew", "Cy");
        var cyToken = cy.ResumeToken;
        await cy.InvokeAsync("Leave", new { });
        await ann.NextAsync("ParticipantLeft", e => e.Str("id") == cy.Id);
        await using var cyAgain = await _server.ConnectAsync();
        Assert.False((await cyAgain.JoinAsync("crew", "Cy", resume: cyToken)).GetProperty("resumed").GetBoolean());
    }

    [Fact]
    public async Task AResumeNeedsNoPasscodeButAFreshJoinStillDoes()
    {
        await using var ann = await _server.JoinAsync("vault", "Ann", "s3cret");
        var bob = await _server.JoinAsync("vault", "Bob", "s3cret");
        var token = bob.ResumeToken;
        await bob.DisposeAsync();
        await ann.NextAsync("ParticipantAway");
        await using var back = await _server.ConnectAsync();
        Assert.True((await back.JoinAsync("vault", "Bob", resume: token)).GetProperty("resumed").GetBoolean());
        await using var stranger = await _server.ConnectAsync();
        Assert.Equal("passcode-required", await stranger.ErrorCodeOf("Join", new { channel = "vault", name = "Eve", resume = "forged.token" }));
    }
}
