using Microsoft.AspNetCore.SignalR.Client;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration;

public class BadInputTests : IAsyncLifetime
{
    /// <summary>Where this suite runs; the cluster suite runs the same tests through nginx against three nodes.</summary>
    private protected virtual async Task<IWalkieTarget> StartAsync(Dictionary<string, string?>? settings = null) =>
        await RunningServer.StartAsync(settings);

    private IWalkieTarget _server = null!;

    // These tests send a dozen refused joins in a row on purpose; the join budget is tested on its own.
    public async Task InitializeAsync() => _server = await StartAsync(new() { ["Walkie:RateLimits:Join:Burst"] = "100" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task CallsBeforeJoinAreRefused()
    {
        await using var client = await _server.ConnectAsync();
        Assert.Equal("not-joined", await client.ErrorCodeOf("RequestFloor", new { }));
        Assert.Equal("not-joined", await client.ErrorCodeOf("ReleaseFloor", new { }));
        Assert.Equal("not-joined", await client.ErrorCodeOf("Signal", new { to = "p-1", candidate = new { candidate = "" } }));
        await client.InvokeAsync("Leave", new { });
        await client.JoinAsync("crew", "Ann");
    }

    [Theory]
    [InlineData("Join")]
    [InlineData("Leave")]
    [InlineData("Signal")]
    [InlineData("RequestFloor")]
    [InlineData("ReleaseFloor")]
    public async Task EveryMethodRefusesANonObjectArgument(string method)
    {
        await using var client = await _server.JoinAsync("crew", "Ann");
        Assert.Equal("bad-request", await client.ErrorCodeOf(method, [null]));
        Assert.Equal("bad-request", await client.ErrorCodeOf(method, "text"));
        Assert.Equal("bad-request", await client.ErrorCodeOf(method, 42));
        Assert.Equal("bad-request", await client.ErrorCodeOf(method, new[] { 1, 2 }));
        Assert.Equal("granted", (await client.InvokeAsync("RequestFloor", new { })).Str("outcome"));
    }

    [Fact]
    public async Task JoinRefusesBadFieldsWithTheirOwnCodes()
    {
        await using var ann = await _server.JoinAsync("crew", "Ann");
        await using var client = await _server.ConnectAsync();
        var code = (object arg) => client.ErrorCodeOf("Join", arg);

        Assert.Equal("invalid-channel", await code(new { name = "Bob" }));
        Assert.Equal("invalid-channel", await code(new { channel = "", name = "Bob" }));
        Assert.Equal("invalid-channel", await code(new { channel = "no spaces", name = "Bob" }));
        Assert.Equal("invalid-channel", await code(new { channel = new string('c', 65), name = "Bob" }));
        Assert.Equal("invalid-name", await code(new { channel = "crew" }));
        Assert.Equal("invalid-name", await code(new { channel = "crew", name = "   " }));
        Assert.Equal("invalid-name", await code(new { channel = "crew", name = new string('n', 33) }));
        Assert.Equal("invalid-name", await code(new { channel = "crew", name = "tab\there" }));
        Assert.Equal("invalid-passcode", await code(new { channel = "fresh", name = "Bob", passcode = new string('p', 129) }));
        Assert.Equal("bad-request", await code(new { channel = 7, name = "Bob" }));
        Assert.Equal("bad-request", await code(new { channel = "crew", name = new { first = "Bob" } }));

        // Nothing reached the channel, and the same connection can still join.
        await client.JoinAsync("crew", "Bob");
        Assert.Equal(client.Id, (await ann.NextAsync("ParticipantJoined")).Str("id"));
        Assert.Empty(ann.Drain("ParticipantJoined"));
    }

    [Fact]
    public async Task AMessageOverTheSizeLimitClosesOnlyThatConnection()
    {
        await using var ann = await _server.JoinAsync("crew", "Ann");
        await using var bob = await _server.JoinAsync("crew", "Bob");
        await ann.InvokeAsync("RequestFloor", new { });
        var closed = new TaskCompletionSource();
        bob.Connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };

        // Over MaxMessageBytes SignalR drops the connection before the hub sees the message.
        _ = bob.Connection.SendAsync("Signal", new { to = ann.Id, description = new { type = "offer", sdp = new string('x', 70 * 1024) } });
        await closed.Task.WaitAsync(RunningServer.Timeout);

        Assert.Equal(bob.Id, (await ann.NextAsync("ParticipantAway")).Str("id"));
        Assert.Empty(ann.Drain("Signal"));
        Assert.Equal("granted", (await ann.InvokeAsync("RequestFloor", new { })).Str("outcome"));
    }
}
