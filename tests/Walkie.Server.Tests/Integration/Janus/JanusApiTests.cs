using Microsoft.Extensions.Logging;
using Walkie.Server.Media.Janus;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration.Janus;

/// <summary>The core of the Janus API against a real Janus: sessions, handles, the core's errors, the api_secret, the logs.</summary>
public class JanusApiTests(JanusFixture janus) : IClassFixture<JanusFixture>
{
    private JanusServer Server => janus.Server;

    [Fact]
    public async Task CreatesASessionAndAttachesToBothPlugins()
    {
        await using var client = await JanusTesting.ConnectAsync(Server.Options());
        await using var session = await client.CreateSessionAsync();
        var room = await session.AttachAsync(VideoRoomHandle.Plugin);
        var streaming = await session.AttachAsync(StreamingHandle.Plugin);

        Assert.True(session.Id > 0);
        Assert.Equal(session.Id, room.SessionId);
        Assert.True(room.Id > 0);
        Assert.NotEqual(room.Id, streaming.Id);
    }

    [Fact]
    public async Task TheCoresRefusalsAreTypedErrors()
    {
        await using var client = await JanusTesting.ConnectAsync(Server.Options());
        await using var session = await client.CreateSessionAsync();

        var noPlugin = await Assert.ThrowsAsync<JanusErrorException>(() => session.AttachAsync("janus.plugin.echotest"));
        Assert.Equal(JanusErrorCodes.PluginNotFound, noPlugin.Code);
        Assert.Null(noPlugin.Plugin);
        Assert.Equal("attach", noPlugin.Request);

        var handle = await session.AttachAsync(VideoRoomHandle.Plugin);
        await handle.DetachAsync();
        var detached = await Assert.ThrowsAsync<JanusErrorException>(() => handle.HangupAsync());
        Assert.Equal(JanusErrorCodes.HandleNotFound, detached.Code);
    }

    [Fact]
    public async Task JanusRefusesAClientWithoutTheApiSecret()
    {
        await using var client = await JanusTesting.ConnectAsync(Server.Options() with { ApiSecret = "" });
        var refused = await Assert.ThrowsAsync<JanusErrorException>(() => client.CreateSessionAsync());
        Assert.Equal(JanusErrorCodes.Unauthorized, refused.Code);

        await using var wrong = await JanusTesting.ConnectAsync(Server.Options() with { ApiSecret = "not-the-api-secret-at-all" });
        Assert.Equal(JanusErrorCodes.Unauthorized, (await Assert.ThrowsAsync<JanusErrorException>(() => wrong.CreateSessionAsync())).Code);
    }

    [Fact]
    public async Task DetachingAHandleIsReportedAsAnEvent()
    {
        await using var client = await JanusTesting.ConnectAsync(Server.Options());
        await using var session = await client.CreateSessionAsync();
        var handle = await session.AttachAsync(StreamingHandle.Plugin);

        await handle.DetachAsync();

        var detached = await client.NextEventAsync<DetachedEvent>(e => e.HandleId == handle.Id);
        Assert.Equal(session.Id, detached.SessionId);
    }

    [Fact]
    public async Task DestroyingTheSessionEndsItsHandles()
    {
        await using var client = await JanusTesting.ConnectAsync(Server.Options());
        var session = await client.CreateSessionAsync();
        var handle = await session.AttachAsync(VideoRoomHandle.Plugin);

        await session.DestroyAsync();

        var gone = await Assert.ThrowsAsync<JanusErrorException>(() => handle.DetachAsync());
        Assert.Equal(JanusErrorCodes.SessionNotFound, gone.Code);
    }

    [Fact]
    public async Task NoKeyOrSdpReachesTheLogsAndNoSdpIsLoggedAboveDebug()
    {
        var logger = new ListLogger();
        var id = JanusTesting.NewId();
        await using (var client = await JanusTesting.ConnectAsync(Server.Options(), logger))
        await using (var session = await client.CreateSessionAsync())
        {
            var rooms = await VideoRoomHandle.AttachAsync(session);
            await rooms.CreateRoomAsync(id, "room-secret-for-the-log-test", publishers: 4);
            var talker = await VideoRoomHandle.AttachAsync(session);
            await talker.JoinAsPublisherAsync(id);
            await talker.PublishAsync(JanusTesting.BrowserOffer());
            await rooms.DestroyRoomAsync(id, "room-secret-for-the-log-test");
        }

        Assert.Contains(logger.Lines, l => l.Level == LogLevel.Debug && l.Text.Contains("SDP offer of", StringComparison.Ordinal));
        Assert.Contains(logger.Lines, l => l.Level == LogLevel.Debug && l.Text.Contains("SDP answer of", StringComparison.Ordinal));
        foreach (var (_, text) in logger.Lines)
        {
            Assert.DoesNotContain(JanusServer.AdminKey, text);
            Assert.DoesNotContain(JanusServer.ApiSecret, text);
            Assert.DoesNotContain("room-secret-for-the-log-test", text);
            Assert.DoesNotContain("a=fingerprint", text);
            Assert.DoesNotContain("v=0", text);
        }
        Assert.All(logger.Lines.Where(l => l.Level >= LogLevel.Information), l => Assert.DoesNotContain("SDP", l.Text));
    }
}
