using System.Diagnostics;
using Walkie.Server.Media.Janus;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration.Janus;

/// <summary>Janus drops a silent session after its session_timeout; the client's keepalives keep its sessions.</summary>
public class JanusKeepAliveTests
{
    private const int SessionTimeoutSeconds = 3;

    [Fact]
    public async Task AKeptAliveSessionOutlivesTheTimeoutThatEndsASilentOne()
    {
        await using var janus = await JanusServer.StartAsync(sessionTimeout: SessionTimeoutSeconds);
        await using var keeping = await JanusTesting.ConnectAsync(janus.Options(keepAlive: TimeSpan.FromSeconds(1)));
        // Its keepalive would come long after Janus gave up on the session.
        await using var silent = await JanusTesting.ConnectAsync(janus.Options(keepAlive: TimeSpan.FromSeconds(59)));
        var clock = Stopwatch.StartNew();
        // Created first, so it would time out no later than the silent one if nothing kept it alive.
        await using var kept = await keeping.CreateSessionAsync();
        var dropped = await silent.CreateSessionAsync();

        var timedOut = await silent.NextEventAsync<SessionTimeoutEvent>(e => e.SessionId == dropped.Id);

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(SessionTimeoutSeconds), $"timed out after {clock.Elapsed}");
        var gone = await Assert.ThrowsAsync<JanusErrorException>(() => dropped.AttachAsync(VideoRoomHandle.Plugin));
        Assert.Equal(JanusErrorCodes.SessionNotFound, gone.Code);
        var handle = await kept.AttachAsync(VideoRoomHandle.Plugin);
        Assert.Equal(kept.Id, handle.SessionId);
        Assert.Equal(dropped.Id, timedOut.SessionId);
    }
}
