using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Walkie.Server.Media;
using Walkie.Server.Media.Janus;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration.Janus;

/// <summary>Channels carried by a real Janus: their room and mountpoint, the SFU hub methods, and forwarding the floor.</summary>
public class SfuChannelTests(JanusFixture janus) : IClassFixture<JanusFixture>
{
    private static Dictionary<string, string?> SfuSettings(JanusServer server) => new()
    {
        ["Walkie:Sfu:JanusUrl"] = server.Url.ToString(),
        ["Walkie:Sfu:AdminKey"] = JanusServer.AdminKey,
        ["Walkie:Sfu:ApiSecret"] = JanusServer.ApiSecret,
        ["Walkie:Sfu:MeshLimit"] = "0",
    };

    private static SfuRoom RoomOf(RunningServer server, string channel) =>
        server.Services.GetRequiredService<SfuRooms>().Find(channel) ?? throw new InvalidOperationException($"no room for {channel}");

    [Fact]
    public async Task JoiningAnSfuChannelSaysSoAndJanusHasItsRoomAndMountpoint()
    {
        await using var server = await RunningServer.StartAsync(SfuSettings(janus.Server));
        await using var ann = await server.ConnectAsync();
        var joined = await ann.JoinAsync("big", "Ann");

        Assert.Equal("sfu", joined.GetProperty("media").GetProperty("topology").GetString());
        Assert.Equal(500, joined.GetProperty("limits").GetProperty("maxParticipants").GetInt32());
        var room = RoomOf(server, "big");

        // Another Janus client can publish into the room and watch the mountpoint: both exist.
        await using var probe = await JanusTesting.ConnectAsync(janus.Server.Options());
        await using var session = await probe.CreateSessionAsync();
        var publisher = await VideoRoomHandle.AttachAsync(session);
        Assert.True(await publisher.JoinAsPublisherAsync(room.RoomId) > 0);
        var listener = await StreamingHandle.AttachAsync(session);
        Assert.Equal("offer", (await listener.WatchAsync(room.MountpointId)).Type);
    }

    [Fact]
    public async Task AnSfuChannelTakesSfuMaxMembersWhateverTheMeshCap()
    {
        var settings = SfuSettings(janus.Server);
        settings["Walkie:MaxParticipantsPerChannel"] = "2";
        settings["Walkie:Sfu:MaxMembers"] = "3";
        await using var server = await RunningServer.StartAsync(settings);
        await using var ann = await server.JoinAsync("capped", "Ann");
        await using var bob = await server.JoinAsync("capped", "Bob");
        await using var cat = await server.ConnectAsync();
        Assert.Equal(3, (await cat.JoinAsync("capped", "Cat")).GetProperty("limits").GetProperty("maxParticipants").GetInt32());

        await using var dan = await server.ConnectAsync();
        Assert.Equal("channel-full", await dan.ErrorCodeOf("Join", new { channel = "capped", name = "Dan" }));
    }

    [Fact]
    public async Task TheLastMemberLeavingDestroysTheRoomAndMountpoint()
    {
        await using var server = await RunningServer.StartAsync(SfuSettings(janus.Server));
        await using var ann = await server.JoinAsync("emptied", "Ann");
        await using var bob = await server.JoinAsync("emptied", "Bob");
        var room = RoomOf(server, "emptied");
        await ann.InvokeAsync("SfuPublish", new { offer = new { type = "offer", sdp = JanusTesting.BrowserOffer().Sdp } });

        await ann.SendToHubAsync("Leave", new { });
        Assert.False(room.Finished.IsCompleted, "the room closed while Bob was still in the channel");
        await bob.SendToHubAsync("Leave", new { });
        await room.Finished.WaitAsync(RunningServer.Timeout);

        await using var probe = await JanusTesting.ConnectAsync(janus.Server.Options());
        await using var session = await probe.CreateSessionAsync();
        var publisher = await VideoRoomHandle.AttachAsync(session);
        var noRoom = await Assert.ThrowsAsync<JanusErrorException>(() => publisher.JoinAsPublisherAsync(room.RoomId));
        Assert.Equal(JanusErrorCodes.VideoRoomNoSuchRoom, noRoom.Code);
        var listener = await StreamingHandle.AttachAsync(session);
        var noMountpoint = await Assert.ThrowsAsync<JanusErrorException>(() => listener.WatchAsync(room.MountpointId));
        Assert.Equal(JanusErrorCodes.StreamingNoSuchMountpoint, noMountpoint.Code);
        Assert.Null(server.Services.GetRequiredService<SfuRooms>().Find("emptied"));
    }

    [Fact]
    public async Task OnlyTheFloorHoldersPublisherIsForwardedAndTheForwardFollowsTheFloor()
    {
        await using var server = await RunningServer.StartAsync(SfuSettings(janus.Server));
        await using var ann = await server.JoinAsync("forward", "Ann");
        await using var bob = await server.JoinAsync("forward", "Bob");
        var room = RoomOf(server, "forward");
        foreach (var member in new[] { ann, bob })
        {
            var published = await member.InvokeAsync("SfuPublish", new { offer = new { type = "offer", sdp = JanusTesting.BrowserOffer().Sdp } });
            Assert.Equal("answer", published.GetProperty("answer").GetProperty("type").GetString());
        }
        Assert.Null(room.Forwarding);

        await ann.InvokeAsync("RequestFloor", new { });
        await Eventually.Holds(() => Task.FromResult(room.Forwarding == ann.Id), "Ann to be forwarded");
        // Queued behind Ann, Bob is not forwarded; when Ann lets go, Bob is, and Ann no longer.
        await bob.InvokeAsync("RequestFloor", new { });
        Assert.Equal(ann.Id, room.Forwarding);
        await ann.InvokeAsync("ReleaseFloor", new { });
        await Eventually.Holds(() => Task.FromResult(room.Forwarding == bob.Id), "Bob to be forwarded");
        // A holder who disconnects stops being forwarded at once.
        await bob.DisposeAsync();
        await Eventually.Holds(() => Task.FromResult(room.Forwarding is null), "nobody to be forwarded");
    }

    [Fact]
    public async Task SfuCallsCheckTheirSdp()
    {
        await using var server = await RunningServer.StartAsync(SfuSettings(janus.Server));
        await using var ann = await server.JoinAsync("checks", "Ann");

        Assert.Equal("invalid-signal", await ann.ErrorCodeOf("SfuPublish", new { offer = new { type = "answer", sdp = "v=0" } }));
        Assert.Equal("invalid-signal", await ann.ErrorCodeOf("SfuPublish", new { }));
        Assert.Equal("too-large", await ann.ErrorCodeOf("SfuPublish", new { offer = new { type = "offer", sdp = new string('a', 17 * 1024) } }));
        Assert.Equal("bad-request", await ann.ErrorCodeOf("SfuAnswer", new { answer = new { type = "answer", sdp = "v=0" } }));

        var listen = await ann.InvokeAsync("SfuListen", new { });
        var offer = Jsep.Offer(listen.GetProperty("offer").GetProperty("sdp").GetString()!);
        await ann.InvokeAsync("SfuAnswer", new { answer = new { type = "answer", sdp = JanusTesting.ListenerAnswer(offer).Sdp } });
    }

    [Fact]
    public async Task NoLogLevelPrintsAnSfuSdpOrTheRoomSecret()
    {
        await using var server = await RunningServer.StartAsync(SfuSettings(janus.Server), LogLevel.Trace);
        await using var ann = await server.JoinAsync("quiet", "Ann");
        var room = RoomOf(server, "quiet");
        await ann.InvokeAsync("SfuPublish", new { offer = new { type = "offer", sdp = JanusTesting.BrowserOffer().Sdp } });
        var listen = await ann.InvokeAsync("SfuListen", new { });
        var offer = Jsep.Offer(listen.GetProperty("offer").GetProperty("sdp").GetString()!);
        await ann.InvokeAsync("SfuAnswer", new { answer = new { type = "answer", sdp = JanusTesting.ListenerAnswer(offer).Sdp } });
        await ann.InvokeAsync("RequestFloor", new { });
        await Eventually.Holds(() => Task.FromResult(room.Forwarding == ann.Id), "Ann to be forwarded");
        await ann.SendToHubAsync("Leave", new { });
        await room.Finished.WaitAsync(RunningServer.Timeout);

        string[] secrets = ["ice-pwd", "fingerprint", room.Secret, JanusServer.AdminKey, JanusServer.ApiSecret];
        var leaks = server.Logs.Where(line => secrets.Any(secret => line.Contains(secret, StringComparison.Ordinal))).ToList();
        Assert.True(leaks.Count == 0, $"logged:\n{string.Join('\n', leaks.Take(3))}");
    }

    [Fact]
    public async Task EventsJanusSendsOnItsOwnAreReadSoTheyNeverPileUp()
    {
        await using var server = await RunningServer.StartAsync(SfuSettings(janus.Server));
        await using var ann = await server.JoinAsync("events", "Ann");
        var room = RoomOf(server, "events");
        await ann.InvokeAsync("SfuPublish", new { offer = new { type = "offer", sdp = JanusTesting.BrowserOffer().Sdp } });
        await ann.InvokeAsync("SfuListen", new { });
        // Leaving detaches Ann's handles and destroys the room: Janus reports each on its own.
        await ann.SendToHubAsync("Leave", new { });
        await room.Finished.WaitAsync(RunningServer.Timeout);

        var client = await server.Services.GetRequiredService<JanusConnection>().GetAsync(CancellationToken.None);
        await Eventually.Holds(() => Task.FromResult(client.Events.Count == 0), "Janus's events to be read");
    }

    [Fact]
    public async Task MembersOfMeshChannelsGetNotSfu()
    {
        await using var server = await RunningServer.StartAsync();
        await using var ann = await server.JoinAsync("small", "Ann");
        var joined = await (await server.ConnectAsync()).JoinAsync("small", "Bob");

        Assert.Equal("mesh", joined.GetProperty("media").GetProperty("topology").GetString());
        Assert.Equal("not-sfu", await ann.ErrorCodeOf("SfuPublish", new { offer = new { type = "offer", sdp = JanusTesting.BrowserOffer().Sdp } }));
        Assert.Equal("not-sfu", await ann.ErrorCodeOf("SfuListen", new { }));
        Assert.Equal("not-sfu", await ann.ErrorCodeOf("SfuAnswer", new { answer = new { type = "answer", sdp = "v=0" } }));
    }

    [Fact]
    public async Task WhileJanusIsDownJoinsAreRefusedWithSfuUnavailableAndWorkOnceItIsBack()
    {
        await using var own = await JanusServer.StartAsync();
        var settings = SfuSettings(own);
        settings["Walkie:Sfu:RequestTimeout"] = "00:00:01";
        await using var server = await RunningServer.StartAsync(settings);
        await using var mesh = await RunningServer.StartAsync();
        own.Kill();

        await using var ann = await server.ConnectAsync();
        Assert.Equal("sfu-unavailable", await ann.ErrorCodeOf("Join", new { channel = "down", name = "Ann" }));
        // The refused join left nothing behind: no member, no channel, no room.
        Assert.Equal(0, server.Services.GetRequiredService<Walkie.Server.Cluster.ClusterNode>().HostedChannels);
        await Eventually.Holds(() => Task.FromResult(server.Services.GetRequiredService<SfuRooms>().Count == 0), "the room to be dropped");
        // Mesh channels never depend on Janus.
        await using var meshJoiner = await mesh.ConnectAsync();
        var meshJoin = await meshJoiner.JoinAsync("down", "Ann");
        Assert.Equal("mesh", meshJoin.GetProperty("media").GetProperty("topology").GetString());

        await own.RestartAsync();
        var joined = await ann.JoinAsync("down", "Ann");
        Assert.Equal("sfu", joined.GetProperty("media").GetProperty("topology").GetString());
    }
}
