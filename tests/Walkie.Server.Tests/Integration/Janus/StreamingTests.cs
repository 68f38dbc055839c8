using System.Net.NetworkInformation;
using Walkie.Server.Media.Janus;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration.Janus;

/// <summary>Janus's Streaming plugin as Walkie uses it: one audio mountpoint per large channel, watched by every listener.</summary>
public class StreamingTests(JanusFixture janus) : IClassFixture<JanusFixture>, IAsyncLifetime
{
    private const string Secret = "mountpoint-secret-0123456789";
    private JanusClient _client = null!;
    private JanusSession _session = null!;
    private StreamingHandle _streaming = null!;

    public async Task InitializeAsync()
    {
        _client = await JanusTesting.ConnectAsync(janus.Server.Options());
        _session = await _client.CreateSessionAsync();
        _streaming = await StreamingHandle.AttachAsync(_session);
    }

    public async Task DisposeAsync()
    {
        await _session.DisposeAsync();
        await _client.DisposeAsync();
    }

    [Fact]
    public async Task CreatesAMountpointOnAPortJanusPicksOnLoopbackOnlyAndDestroysIt()
    {
        var id = JanusTesting.NewId();
        var port = await _streaming.CreateMountpointAsync(id, Secret);

        Assert.InRange(port, 1, 65535);
        var listeners = IPGlobalProperties.GetIPGlobalProperties().GetActiveUdpListeners().Where(l => l.Port == port).ToList();
        Assert.NotEmpty(listeners);
        Assert.All(listeners, l => Assert.Equal("127.0.0.1", l.Address.ToString()));

        var twice = await Assert.ThrowsAsync<JanusErrorException>(() => _streaming.CreateMountpointAsync(id, Secret));
        Assert.Equal(JanusErrorCodes.StreamingCantCreate, twice.Code);
        Assert.Equal(StreamingHandle.Plugin, twice.Plugin);

        var wrongSecret = await Assert.ThrowsAsync<JanusErrorException>(() => _streaming.DestroyMountpointAsync(id, "not-the-secret"));
        Assert.Equal(JanusErrorCodes.StreamingUnauthorized, wrongSecret.Code);

        await _streaming.DestroyMountpointAsync(id, Secret);
        var gone = await Assert.ThrowsAsync<JanusErrorException>(() => _streaming.DestroyMountpointAsync(id, Secret));
        Assert.Equal(JanusErrorCodes.StreamingNoSuchMountpoint, gone.Code);
    }

    [Fact]
    public async Task CreatingAMountpointNeedsTheAdminKey()
    {
        await using var keyless = await JanusTesting.ConnectAsync(janus.Server.Options() with { AdminKey = "" });
        await using var keylessSession = await keyless.CreateSessionAsync();
        var keylessStreaming = await StreamingHandle.AttachAsync(keylessSession);
        var missing = await Assert.ThrowsAsync<JanusErrorException>(() => keylessStreaming.CreateMountpointAsync(JanusTesting.NewId(), Secret));
        Assert.Equal(JanusErrorCodes.StreamingMissingElement, missing.Code);

        await using var wrong = await JanusTesting.ConnectAsync(janus.Server.Options() with { AdminKey = "not-the-admin-key-at-all" });
        await using var wrongSession = await wrong.CreateSessionAsync();
        var wrongStreaming = await StreamingHandle.AttachAsync(wrongSession);
        var refused = await Assert.ThrowsAsync<JanusErrorException>(() => wrongStreaming.CreateMountpointAsync(JanusTesting.NewId(), Secret));
        Assert.Equal(JanusErrorCodes.StreamingUnauthorized, refused.Code);
    }

    [Fact]
    public async Task WatchingGivesAnOpusAudioOfferWithCandidatesAndStartTakesTheAnswer()
    {
        var id = JanusTesting.NewId();
        await _streaming.CreateMountpointAsync(id, Secret);
        var listener = await StreamingHandle.AttachAsync(_session);

        var offer = await listener.WatchAsync(id);

        Assert.Equal("offer", offer.Type);
        Assert.Contains("m=audio", offer.Sdp);
        Assert.DoesNotContain("m=video", offer.Sdp);
        Assert.Contains($"a=rtpmap:{StreamingHandle.OpusPayloadType} opus/48000/2", offer.Sdp);
        Assert.Contains("a=sendonly", offer.Sdp);
        Assert.Equal(StreamingHandle.AudioMid, SdpText.FirstMid(offer.Sdp, "audio"));
        // Half-trickle: Janus's candidates are in the offer itself, on the address it was told to use, never loopback.
        Assert.Contains("a=candidate:", offer.Sdp);
        Assert.DoesNotContain(" 127.0.0.1 ", offer.Sdp);
        if (JanusServer.IceAddress is { } address)
        {
            Assert.Contains($" {address} ", offer.Sdp);
        }

        await listener.StartAsync(JanusTesting.ListenerAnswer(offer));
        await _streaming.DestroyMountpointAsync(id, Secret);
    }

    [Fact]
    public async Task WatchingAMountpointThatIsNotThereFails()
    {
        var listener = await StreamingHandle.AttachAsync(_session);
        var missing = await Assert.ThrowsAsync<JanusErrorException>(() => listener.WatchAsync(JanusTesting.NewId()));
        Assert.Equal(JanusErrorCodes.StreamingNoSuchMountpoint, missing.Code);
        Assert.Equal("watch", missing.Request);
    }
}
