using Walkie.Server.Media.Janus;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration.Janus;

/// <summary>Janus's VideoRoom plugin as Walkie uses it: audio rooms, publishers, and forwarding the floor holder.</summary>
public class VideoRoomTests(JanusFixture janus) : IClassFixture<JanusFixture>, IAsyncLifetime
{
    private const string Secret = "room-secret-0123456789";
    private JanusClient _client = null!;
    private JanusSession _session = null!;
    private VideoRoomHandle _rooms = null!;

    public async Task InitializeAsync()
    {
        _client = await JanusTesting.ConnectAsync(janus.Server.Options());
        _session = await _client.CreateSessionAsync();
        _rooms = await VideoRoomHandle.AttachAsync(_session);
    }

    public async Task DisposeAsync()
    {
        await _session.DisposeAsync();
        await _client.DisposeAsync();
    }

    [Fact]
    public async Task CreatesAndDestroysARoomAndRefusesTheSameIdTwice()
    {
        var room = JanusTesting.NewId();
        await _rooms.CreateRoomAsync(room, Secret, publishers: 200);

        var twice = await Assert.ThrowsAsync<JanusErrorException>(() => _rooms.CreateRoomAsync(room, Secret, publishers: 200));
        Assert.Equal(JanusErrorCodes.VideoRoomRoomExists, twice.Code);
        Assert.Equal(VideoRoomHandle.Plugin, twice.Plugin);
        Assert.Equal("create", twice.Request);

        var wrongSecret = await Assert.ThrowsAsync<JanusErrorException>(() => _rooms.DestroyRoomAsync(room, "not-the-room-secret"));
        Assert.Equal(JanusErrorCodes.VideoRoomUnauthorized, wrongSecret.Code);

        await _rooms.DestroyRoomAsync(room, Secret);
        var gone = await Assert.ThrowsAsync<JanusErrorException>(() => _rooms.DestroyRoomAsync(room, Secret));
        Assert.Equal(JanusErrorCodes.VideoRoomNoSuchRoom, gone.Code);
    }

    [Fact]
    public async Task CreatingARoomNeedsTheAdminKey()
    {
        await using var keyless = await JanusTesting.ConnectAsync(janus.Server.Options() with { AdminKey = "" });
        await using var keylessSession = await keyless.CreateSessionAsync();
        var keylessRooms = await VideoRoomHandle.AttachAsync(keylessSession);
        var missing = await Assert.ThrowsAsync<JanusErrorException>(() => keylessRooms.CreateRoomAsync(JanusTesting.NewId(), Secret, 10));
        Assert.Equal(JanusErrorCodes.VideoRoomMissingElement, missing.Code);

        await using var wrong = await JanusTesting.ConnectAsync(janus.Server.Options() with { AdminKey = "not-the-admin-key-at-all" });
        await using var wrongSession = await wrong.CreateSessionAsync();
        var wrongRooms = await VideoRoomHandle.AttachAsync(wrongSession);
        var refused = await Assert.ThrowsAsync<JanusErrorException>(() => wrongRooms.CreateRoomAsync(JanusTesting.NewId(), Secret, 10));
        Assert.Equal(JanusErrorCodes.VideoRoomUnauthorized, refused.Code);
    }

    [Fact]
    public async Task ForwardingFromARoomWithoutThatPublisherFails()
    {
        var room = JanusTesting.NewId();
        await _rooms.CreateRoomAsync(room, Secret, publishers: 10);

        var noFeed = await Assert.ThrowsAsync<JanusErrorException>(
            () => _rooms.ForwardAudioAsync(room, Secret, publisher: 42, mid: "0", "127.0.0.1", 5004, StreamingHandle.OpusPayloadType));
        Assert.Equal(JanusErrorCodes.VideoRoomNoSuchFeed, noFeed.Code);

        var noRoom = await Assert.ThrowsAsync<JanusErrorException>(
            () => _rooms.ForwardAudioAsync(JanusTesting.NewId(), Secret, 42, "0", "127.0.0.1", 5004, StreamingHandle.OpusPayloadType));
        Assert.Equal(JanusErrorCodes.VideoRoomNoSuchRoom, noRoom.Code);

        // Joined but not publishing: Janus accepts the request, skips the missing stream and forwards nothing.
        var talker = await VideoRoomHandle.AttachAsync(_session);
        var publisher = await talker.JoinAsPublisherAsync(room);
        await Assert.ThrowsAsync<JanusProtocolException>(
            () => _rooms.ForwardAudioAsync(room, Secret, publisher, "0", "127.0.0.1", 5004, StreamingHandle.OpusPayloadType));
        await _rooms.DestroyRoomAsync(room, Secret);
    }

    [Fact]
    public async Task ForwardingNeedsTheAdminKeyAndTheRoomSecret()
    {
        var room = JanusTesting.NewId();
        await _rooms.CreateRoomAsync(room, Secret, publishers: 10);
        var talker = await VideoRoomHandle.AttachAsync(_session);
        var publisher = await talker.JoinAsPublisherAsync(room);
        await talker.PublishAsync(JanusTesting.BrowserOffer());

        await using var keyless = await JanusTesting.ConnectAsync(janus.Server.Options() with { AdminKey = "" });
        await using var keylessSession = await keyless.CreateSessionAsync();
        var keylessRooms = await VideoRoomHandle.AttachAsync(keylessSession);
        var noKey = await Assert.ThrowsAsync<JanusErrorException>(
            () => keylessRooms.ForwardAudioAsync(room, Secret, publisher, "0", "127.0.0.1", 5004, StreamingHandle.OpusPayloadType));
        Assert.Equal(JanusErrorCodes.VideoRoomMissingElement, noKey.Code);

        var wrongSecret = await Assert.ThrowsAsync<JanusErrorException>(
            () => _rooms.ForwardAudioAsync(room, "not-the-room-secret", publisher, "0", "127.0.0.1", 5004, StreamingHandle.OpusPayloadType));
        Assert.Equal(JanusErrorCodes.VideoRoomUnauthorized, wrongSecret.Code);
        await _rooms.DestroyRoomAsync(room, Secret);
    }

    [Fact]
    public async Task APublisherNegotiatesAudioAndItsStreamIsForwardedAndStopped()
    {
        var room = JanusTesting.NewId();
        await _rooms.CreateRoomAsync(room, Secret, publishers: 200);
        var talker = await VideoRoomHandle.AttachAsync(_session);
        var publisher = await talker.JoinAsPublisherAsync(room, id: 7, display: "Ann");
        Assert.Equal(7UL, publisher);

        // Firefox's payload type for Opus, to show the forwarder rewrites it for the mountpoint.
        var offer = JanusTesting.BrowserOffer(mid: "a0", opusPayloadType: 109);
        var answer = await talker.PublishAsync(offer);
        Assert.Equal("answer", answer.Type);
        Assert.Contains("m=audio", answer.Sdp);
        Assert.Contains("a=mid:a0", answer.Sdp);
        Assert.Contains("a=recvonly", answer.Sdp);
        Assert.Contains("a=rtpmap:109 opus/48000/2", answer.Sdp);

        var mid = SdpText.FirstMid(offer.Sdp, "audio")!;
        var first = await _rooms.ForwardAudioAsync(room, Secret, publisher, mid, "127.0.0.1", 5004, StreamingHandle.OpusPayloadType);
        var second = await _rooms.ForwardAudioAsync(room, Secret, publisher, mid, "127.0.0.1", 5006, StreamingHandle.OpusPayloadType);
        Assert.NotEqual(first, second);

        await _rooms.StopForwardAsync(room, Secret, publisher, first);
        await _rooms.StopForwardAsync(room, Secret, publisher, second);
        await Assert.ThrowsAsync<JanusErrorException>(() => _rooms.StopForwardAsync(room, Secret, publisher, first));

        await Assert.ThrowsAsync<JanusProtocolException>(
            () => _rooms.ForwardAudioAsync(room, Secret, publisher, "no-such-mid", "127.0.0.1", 5004, StreamingHandle.OpusPayloadType));
        await _rooms.DestroyRoomAsync(room, Secret);
    }

    [Fact]
    public async Task ConfigureRenegotiatesAPublisher()
    {
        var room = JanusTesting.NewId();
        await _rooms.CreateRoomAsync(room, Secret, publishers: 10);
        var talker = await VideoRoomHandle.AttachAsync(_session);
        await talker.JoinAsPublisherAsync(room);
        await talker.PublishAsync(JanusTesting.BrowserOffer());

        var renegotiated = await talker.ConfigureAsync(JanusTesting.BrowserOffer());

        Assert.Equal("answer", renegotiated.Type);
        Assert.Contains("m=audio", renegotiated.Sdp);
        await _rooms.DestroyRoomAsync(room, Secret);
    }

    [Fact]
    public async Task ThePublishersCandidatesAreTrickledAndItsPeerConnectionHungUp()
    {
        var room = JanusTesting.NewId();
        await _rooms.CreateRoomAsync(room, Secret, publishers: 10);
        var talker = await VideoRoomHandle.AttachAsync(_session);
        await talker.JoinAsPublisherAsync(room);
        await talker.PublishAsync(JanusTesting.BrowserOffer());

        await talker.Handle.TrickleAsync(new IceCandidate("candidate:1 1 udp 2122260223 203.0.113.77 50000 typ host", "0", 0));
        await talker.Handle.TrickleCompletedAsync();
        await talker.Handle.HangupAsync();

        await _client.NextEventAsync<HangupEvent>(e => e.HandleId == talker.Handle.Id);
        await _rooms.DestroyRoomAsync(room, Secret);
    }

    [Fact]
    public async Task DestroyingARoomTellsItsParticipantsAndHangsUpTheirPeerConnections()
    {
        var room = JanusTesting.NewId();
        await _rooms.CreateRoomAsync(room, Secret, publishers: 10);
        var talker = await VideoRoomHandle.AttachAsync(_session);
        await talker.JoinAsPublisherAsync(room);
        await talker.PublishAsync(JanusTesting.BrowserOffer());

        await _rooms.DestroyRoomAsync(room, Secret);

        var told = await _client.NextEventAsync<PluginEvent>(e => e.HandleId == talker.Handle.Id);
        Assert.Equal(VideoRoomHandle.Plugin, told.Plugin);
        Assert.Equal("destroyed", told.Data.GetProperty("videoroom").GetString());
        Assert.Equal(room, told.Data.GetProperty("room").GetUInt64());
        await _client.NextEventAsync<HangupEvent>(e => e.HandleId == talker.Handle.Id);
    }
}
