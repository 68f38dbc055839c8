using System.Text.Json;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration;

public class SignalRelayTests : IAsyncLifetime
{
    /// <summary>Where this suite runs; the cluster suite runs the same tests through nginx against three nodes.</summary>
    private protected virtual async Task<IWalkieTarget> StartAsync(Dictionary<string, string?>? settings = null) =>
        await RunningServer.StartAsync(settings);

    private const string Sdp = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=SECRET-SDP-MARKER\r\n";

    private IWalkieTarget _server = null!;

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task DescriptionsAndCandidatesReachTheNamedPeerOnly()
    {
        await using var ann = await _server.JoinAsync("crew", "Ann");
        await using var bob = await _server.JoinAsync("crew", "Bob");
        await using var cy = await _server.JoinAsync("crew", "Cy");

        await ann.InvokeAsync("Signal", new { to = bob.Id, description = new { type = "offer", sdp = Sdp } });
        var offer = await bob.NextAsync("Signal");
        Assert.Equal(ann.Id, offer.Str("from"));
        Assert.Equal(("offer", Sdp), (offer.GetProperty("description").Str("type"), offer.GetProperty("description").Str("sdp")));
        Assert.False(offer.TryGetProperty("candidate", out _));

        var candidate = new { candidate = "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", sdpMid = "0", sdpMLineIndex = 0, usernameFragment = "abcd" };
        await bob.InvokeAsync("Signal", new { to = ann.Id, candidate });
        var relayed = (await ann.NextAsync("Signal")).GetProperty("candidate");
        Assert.Equal(candidate.candidate, relayed.Str("candidate"));
        Assert.Equal(0, relayed.GetProperty("sdpMLineIndex").GetInt32());
        Assert.Equal("abcd", relayed.Str("usernameFragment"));

        Assert.Empty(cy.Drain("Signal"));
        Assert.DoesNotContain(_server.Logs, line => line.Contains("SECRET-SDP-MARKER") || line.Contains("typ host"));
    }

    [Fact]
    public async Task NobodyCanSignalIntoAnotherChannel()
    {
        await using var ann = await _server.JoinAsync("alpha", "Ann");
        await using var bob = await _server.JoinAsync("alpha", "Bob");
        await using var mallory = await _server.JoinAsync("beta", "Mallory");

        Assert.Equal("unknown-participant", await mallory.ErrorCodeOf("Signal", new { to = ann.Id, description = new { type = "offer", sdp = Sdp } }));
        Assert.Equal("unknown-participant", await mallory.ErrorCodeOf("Signal", new { to = "p-000000000000000000", candidate = new { candidate = "" } }));
        Assert.Equal("unknown-participant", await mallory.ErrorCodeOf("Signal", new { to = mallory.Id, candidate = new { candidate = "" } }));

        // A signal sent after the refused one arrives first: the refused one was never delivered.
        await bob.InvokeAsync("Signal", new { to = ann.Id, candidate = new { candidate = "" } });
        var first = await ann.NextAsync("Signal");
        Assert.Equal(bob.Id, first.Str("from"));
        Assert.Empty(ann.Drain("Signal"));
    }

    [Fact]
    public async Task OversizeSignalsAreRefusedAndTheConnectionStaysUsable()
    {
        await using var ann = await _server.JoinAsync("crew", "Ann");
        await using var bob = await _server.JoinAsync("crew", "Bob");

        var bigSdp = new string('a', 16 * 1024 + 1);
        Assert.Equal("too-large", await ann.ErrorCodeOf("Signal", new { to = bob.Id, description = new { type = "offer", sdp = bigSdp } }));
        Assert.Equal("too-large", await ann.ErrorCodeOf("Signal", new { to = bob.Id, candidate = new { candidate = new string('c', 1025) } }));

        var okSdp = new string('a', 16 * 1024);
        await ann.InvokeAsync("Signal", new { to = bob.Id, description = new { type = "answer", sdp = okSdp } });
        Assert.Equal(okSdp.Length, (await bob.NextAsync("Signal")).GetProperty("description").Str("sdp").Length);
    }

    [Fact]
    public async Task MalformedSignalsGetCodedErrors()
    {
        await using var ann = await _server.JoinAsync("crew", "Ann");
        await using var bob = await _server.JoinAsync("crew", "Bob");
        var code = (object arg) => ann.ErrorCodeOf("Signal", arg);

        Assert.Equal("invalid-signal", await code(new { to = bob.Id }));
        Assert.Equal("invalid-signal", await code(new { description = new { type = "offer", sdp = "x" } }));
        Assert.Equal("invalid-signal", await code(new { to = bob.Id, description = new { type = "offer", sdp = "x" }, candidate = new { candidate = "" } }));
        Assert.Equal("invalid-signal", await code(new { to = bob.Id, description = new { type = "bogus", sdp = "x" } }));
        Assert.Equal("invalid-signal", await code(new { to = bob.Id, description = new { type = "offer" } }));
        Assert.Equal("invalid-signal", await code(new { to = bob.Id, candidate = new { sdpMid = "0" } }));
        Assert.Equal("bad-request", await code(new { to = 42, candidate = new { candidate = "" } }));
        Assert.Equal("bad-request", await code(new { to = bob.Id, candidate = "candidate:1" }));
        Assert.Equal("bad-request", await code(new { to = bob.Id, candidate = new { candidate = "", sdpMLineIndex = "zero" } }));

        await ann.InvokeAsync("Signal", new { to = bob.Id, description = new { type = "rollback" } });
        Assert.Equal("rollback", (await bob.NextAsync("Signal")).GetProperty("description").Str("type"));
        Assert.Empty(bob.Drain("Signal"));
    }
}
