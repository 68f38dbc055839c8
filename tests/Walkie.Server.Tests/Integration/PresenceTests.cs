using System.Text.Json;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration;

public class PresenceTests : IAsyncLifetime
{
    /// <summary>Where this suite runs; the cluster suite runs the same tests through nginx against three nodes.</summary>
    private protected virtual async Task<IWalkieTarget> StartAsync(Dictionary<string, string?>? settings = null) =>
        await RunningServer.StartAsync(settings);

    private IWalkieTarget _server = null!;

    public async Task InitializeAsync() => _server = await StartAsync(new()
    {
        ["Walkie:MaxParticipantsPerChannel"] = "3",
        ["Walkie:IceServers:0:Urls:0"] = "stun:stun.example.org:3478",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task JoinReturnsASnapshotAndOthersSeeJoinAndLeave()
    {
        await using var ann = await _server.ConnectAsync();
        var first = await ann.JoinAsync("Crew", "Ann");
        Assert.Equal("crew", first.Str("channel"));
        Assert.Equal(0, first.GetProperty("participants").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("floor").GetProperty("holder").ValueKind);
        Assert.Equal("stun:stun.example.org:3478", first.GetProperty("iceServers")[0].GetProperty("urls")[0].GetString());
        Assert.Equal(3, first.GetProperty("limits").GetProperty("maxParticipants").GetInt32());
        Assert.Equal(30_000, first.GetProperty("limits").GetProperty("transmitLimitMs").GetInt64());
        Assert.Equal(5_000, first.GetProperty("limits").GetProperty("keepAliveIntervalMs").GetInt64());
        Assert.Equal("polite-if-lower-id", first.Str("negotiation"));
        Assert.Equal("all", first.Str("iceTransportPolicy"));

        await using var bob = await _server.ConnectAsync();
        var second = await bob.JoinAsync("crew", "Bob");
        var listed = Assert.Single(second.GetProperty("participants").EnumerateArray());
        Assert.Equal((ann.Id, "Ann"), (listed.Str("id"), listed.Str("name")));

        var joined = await ann.NextAsync("ParticipantJoined");
        Assert.Equal((bob.Id, "Bob"), (joined.Str("id"), joined.Str("name")));

        await bob.InvokeAsync("Leave", new { });
        Assert.Equal(bob.Id, (await ann.NextAsync("ParticipantLeft")).Str("id"));
    }

    [Fact]
    public async Task DisconnectingMakesAMemberAwayAndTheGraceEndMakesThemLeave()
    {
        await using var server = await StartAsync(new() { ["Walkie:Resume:Grace"] = "00:00:00.500" });
        await using var ann = await server.JoinAsync("crew", "Ann");
        var bob = await server.JoinAsync("crew", "Bob");
        await bob.DisposeAsync();
        Assert.Equal(bob.Id, (await ann.NextAsync("ParticipantAway", TimeSpan.FromSeconds(1))).Str("id"));
        Assert.Equal(bob.Id, (await ann.NextAsync("ParticipantLeft", TimeSpan.FromSeconds(2))).Str("id"));
    }

    [Fact]
    public async Task DuplicateNamesAreSuffixed()
    {
        await using var ann = await _server.JoinAsync("crew", "Ann");
        await using var ann2 = await _server.JoinAsync("crew", "ANN");
        Assert.Equal("ANN 2", ann2.Name);
        Assert.Equal("ANN 2", (await ann.NextAsync("ParticipantJoined")).Str("name"));
    }

    [Fact]
    public async Task PasscodeRightWrongAndAbsent()
    {
        await using var ann = await _server.JoinAsync("locked", "Ann", "hunter2");
        await using var bob = await _server.ConnectAsync();
        Assert.Equal("passcode-required", await bob.ErrorCodeOf("Join", new { channel = "locked", name = "Bob" }));
        Assert.Equal("wrong-passcode", await bob.ErrorCodeOf("Join", new { channel = "locked", name = "Bob", passcode = "hunter3" }));
        await bob.JoinAsync("locked", "Bob", "hunter2");
        Assert.Equal(bob.Id, (await ann.NextAsync("ParticipantJoined")).Str("id"));
        Assert.DoesNotContain(_server.Logs, line => line.Contains("hunter"));
    }

    [Fact]
    public async Task AFullChannelRefusesTheNextJoinerAndKeepsEveryone()
    {
        await using var a = await _server.JoinAsync("small", "A");
        await using var b = await _server.JoinAsync("small", "B");
        await using var c = await _server.JoinAsync("small", "C");
        await using var d = await _server.ConnectAsync();
        Assert.Equal("channel-full", await d.ErrorCodeOf("Join", new { channel = "small", name = "D" }));

        // The refused connection is still usable, and the channel was not disturbed.
        await d.JoinAsync("elsewhere", "D");
        await b.InvokeAsync("Leave", new { });
        Assert.Equal(b.Id, (await a.NextAsync("ParticipantLeft")).Str("id"));
        Assert.Equal(2, a.Drain("ParticipantJoined").Count);
        Assert.Empty(a.Drain("ParticipantLeft"));
    }

    [Fact]
    public async Task JoiningAnotherChannelLeavesTheFirst()
    {
        await using var ann = await _server.JoinAsync("one", "Ann");
        await using var bob = await _server.JoinAsync("one", "Bob");
        var bobFirstId = bob.Id;
        await bob.JoinAsync("two", "Bob");
        Assert.Equal(bobFirstId, (await ann.NextAsync("ParticipantLeft")).Str("id"));
    }

    [Fact]
    public async Task ARefusedJoinKeepsTheChannelTheCallerWasIn()
    {
        await using var ann = await _server.JoinAsync("locked", "Ann", "pw");
        await using var cy = await _server.JoinAsync("open", "Cy");
        await using var bob = await _server.JoinAsync("open", "Bob");
        Assert.Equal("wrong-passcode", await bob.ErrorCodeOf("Join", new { channel = "locked", name = "Bob", passcode = "nope" }));
        Assert.Equal("passcode-required", await bob.ErrorCodeOf("Join", new { channel = "locked", name = "Bob" }));
        Assert.Equal("invalid-name", await bob.ErrorCodeOf("Join", new { channel = "locked", name = " ", passcode = "pw" }));

        // Bob is still in "open": the floor he takes is "open"'s, and Cy never saw him leave.
        Assert.Equal("granted", (await bob.InvokeAsync("RequestFloor", new { })).Str("outcome"));
        await cy.NextAsync("FloorChanged", f => f.HolderId() == bob.Id);
        Assert.Empty(cy.Drain("ParticipantLeft"));

        var bobInOpen = bob.Id;
        Assert.Equal("locked", (await bob.JoinAsync("LOCKED", "Bob", "pw")).Str("channel"));
        Assert.Equal(bobInOpen, (await cy.NextAsync("ParticipantLeft")).Str("id"));
        Assert.Equal(bob.Id, (await ann.NextAsync("ParticipantJoined")).Str("id"));
    }

    [Fact]
    public async Task AChannelEveryoneLeftIsForgottenWithItsPasscode()
    {
        await using var ann = await _server.JoinAsync("reused", "Ann", "secret");
        await ann.InvokeAsync("Leave", new { });
        await using var bob = await _server.ConnectAsync();
        var joined = await bob.JoinAsync("reused", "Bob");
        Assert.Equal(0, joined.GetProperty("participants").GetArrayLength());
        await using var cy = await _server.ConnectAsync();
        Assert.Equal("channel-open", await cy.ErrorCodeOf("Join", new { channel = "reused", name = "Cy", passcode = "secret" }));
    }

    [Fact]
    public async Task ParticipantIdsAreRandomAndOpaque()
    {
        await using var ann = await _server.JoinAsync("ids", "Ann");
        await using var bob = await _server.JoinAsync("ids", "Bob");
        Assert.Matches("^p-[0-9a-f]{18}$", ann.Id);
        Assert.Matches("^p-[0-9a-f]{18}$", bob.Id);
        Assert.NotEqual(ann.Id, bob.Id);
    }

    [Fact]
    public async Task EveryChannelEventCountsUpFromTheSnapshotSoClientsCanDropStragglers()
    {
        await using var ann = await _server.ConnectAsync();
        var start = (await ann.JoinAsync("counted", "Ann")).GetProperty("seq").GetInt64();
        await using var bob = await _server.JoinAsync("counted", "Bob");
        var seqs = new List<long> { start, (await ann.NextAsync("ParticipantJoined")).GetProperty("seq").GetInt64() };
        await bob.InvokeAsync("RequestFloor", new { });
        seqs.Add((await ann.NextAsync("FloorChanged")).GetProperty("seq").GetInt64());
        await bob.InvokeAsync("Signal", new { to = ann.Id, candidate = new { candidate = "candidate:1 1 udp 1 192.0.2.1 9 typ host", sdpMid = "0" } });
        seqs.Add((await ann.NextAsync("Signal")).GetProperty("seq").GetInt64());
        await bob.InvokeAsync("Leave", new { });
        seqs.Add((await ann.NextAsync("ParticipantLeft")).GetProperty("seq").GetInt64());
        seqs.Add((await ann.NextAsync("FloorChanged")).GetProperty("seq").GetInt64());
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(seqs.Count, seqs.Distinct().Count());
    }

    [Fact]
    public async Task HealthzAnswers()
    {
        using var http = new HttpClient { BaseAddress = _server.Address };
        var response = await http.GetAsync("/healthz").WaitAsync(RunningServer.Timeout);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}
