using Walkie.Server.Media.Janus;
using Walkie.Server.Tests.Infrastructure;
using Walkie.Server.Tests.Unit;

namespace Walkie.Server.Tests.Integration.Janus;

/// <summary>The production sample in deploy/janus starts Janus as it is, and that Janus enforces its keys.</summary>
public class JanusSampleConfigTests
{
    [Fact]
    public async Task TheSampleStartsJanusWithBothPluginsAndEnforcesItsSecretAndKeys()
    {
        await using var janus = await JanusServer.StartFromSampleAsync(JanusSampleTests.SampleDirectory);

        await using var client = await JanusTesting.ConnectAsync(janus.Options());
        await using var session = await client.CreateSessionAsync();
        var rooms = await VideoRoomHandle.AttachAsync(session);
        var streaming = await StreamingHandle.AttachAsync(session);
        var room = JanusTesting.NewId();
        await rooms.CreateRoomAsync(room, "room-secret-0123456789", publishers: 100);
        var port = await streaming.CreateMountpointAsync(room, "mountpoint-secret-0123456789");
        Assert.InRange(port, 41000, 41999);

        await using var noSecret = await JanusTesting.ConnectAsync(janus.Options() with { ApiSecret = "" });
        Assert.Equal(JanusErrorCodes.Unauthorized, (await Assert.ThrowsAsync<JanusErrorException>(() => noSecret.CreateSessionAsync())).Code);

        await using var noKey = await JanusTesting.ConnectAsync(janus.Options() with { AdminKey = "" });
        await using var noKeySession = await noKey.CreateSessionAsync();
        var noKeyRooms = await VideoRoomHandle.AttachAsync(noKeySession);
        var refused = await Assert.ThrowsAsync<JanusErrorException>(() => noKeyRooms.CreateRoomAsync(JanusTesting.NewId(), "room-secret-0123456789", 10));
        Assert.Equal(JanusErrorCodes.VideoRoomMissingElement, refused.Code);
    }
}
