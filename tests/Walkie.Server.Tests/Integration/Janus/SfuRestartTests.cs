using Microsoft.Extensions.DependencyInjection;
using Walkie.Server.Media;
using Walkie.Server.Media.Janus;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration.Janus;

/// <summary>Janus restarting under live SFU channels: each gets its room back, and its members and floor carry on.</summary>
public class SfuRestartTests
{
    /// <summary>Every channel through this Janus, with its default timeouts.</summary>
    private static Task<RunningServer> StartAsync(JanusServer janus) => RunningServer.StartAsync(new()
    {
        ["Walkie:Sfu:JanusUrl"] = janus.Url.ToString(),
        ["Walkie:Sfu:AdminKey"] = JanusServer.AdminKey,
        ["Walkie:Sfu:ApiSecret"] = JanusServer.ApiSecret,
        ["Walkie:Sfu:MeshLimit"] = "0",
    });

    [Fact]
    public async Task MembersAreToldWhenJanusDiesAndAfterItRestartsTheRoomIsMadeAgainAndTheHolderIsForwardedAgain()
    {
        await using var own = await JanusServer.StartAsync();
        await using var server = await StartAsync(own);
        await using var ann = await server.JoinAsync("restart", "Ann");
        await using var bob = await server.JoinAsync("restart", "Bob");
        var room = server.Services.GetRequiredService<SfuRooms>().Find("restart") ?? throw new InvalidOperationException("no room");
        await ann.InvokeAsync("SfuPublish", new { offer = new { type = "offer", sdp = JanusTesting.BrowserOffer().Sdp } });
        await ann.InvokeAsync("RequestFloor", new { });
        await Eventually.Holds(() => Task.FromResult(room.Forwarding == ann.Id), "Ann to be forwarded");

        own.Kill();
        // Told while Janus is still down, not only once it is back.
        foreach (var member in new[] { ann, bob })
        {
            Assert.Equal("sfu", (await member.NextAsync("MediaInterrupted")).GetProperty("topology").GetString());
        }
        await Eventually.Holds(() => Task.FromResult(room.Forwarding is null), "the lost forward to be dropped");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bob.NextAsync("MediaChanged", _ => true, TimeSpan.FromMilliseconds(300)));
        await own.RestartAsync();

        foreach (var member in new[] { ann, bob })
        {
            Assert.Equal("sfu", (await member.NextAsync("MediaChanged")).GetProperty("topology").GetString());
        }
        // The same room, made again: Janus knows its ids, and nobody left the channel or lost the floor.
        Assert.Same(room, server.Services.GetRequiredService<SfuRooms>().Find("restart"));
        await using var probe = await JanusTesting.ConnectAsync(own.Options());
        await using var session = await probe.CreateSessionAsync();
        Assert.True(await (await VideoRoomHandle.AttachAsync(session)).JoinAsPublisherAsync(room.RoomId) > 0);
        Assert.Equal("offer", (await (await StreamingHandle.AttachAsync(session)).WatchAsync(room.MountpointId)).Type);
        var floor = await bob.InvokeAsync("ReleaseFloor", new { });
        Assert.Equal(ann.Id, floor.GetProperty("holder").GetProperty("id").GetString());

        await ann.InvokeAsync("SfuPublish", new { offer = new { type = "offer", sdp = JanusTesting.BrowserOffer().Sdp } });
        await Eventually.Holds(() => Task.FromResult(room.Forwarding == ann.Id), "Ann to be forwarded again");
        await bob.InvokeAsync("SfuListen", new { });
    }

    [Fact]
    public async Task AJoinWaitingForJanusIsRefusedInTimeAndDoesNotHoldUpTheChannelsOtherMembers()
    {
        await using var own = await JanusServer.StartAsync();
        // The default request timeout: a room may wait 20 s for Janus, far longer than a channel can stall.
        await using var server = await StartAsync(own);
        await using var ann = await server.JoinAsync("waiting", "Ann");
        own.Kill();
        await ann.NextAsync("MediaInterrupted");

        await using var bob = await server.ConnectAsync();
        var join = bob.ErrorCodeOf("Join", new { channel = "waiting", name = "Bob" });
        // Ann's call queues behind Bob's join; it is answered, not dropped as undeliverable.
        Assert.Equal("granted", (await ann.InvokeAsync("RequestFloor", new { })).Str("outcome"));
        Assert.Equal("sfu-unavailable", await join);
        // Bob, seated while he waited, is not left behind in a channel he can neither hear nor be heard in.
        foreach (var seated in ann.Drain("ParticipantJoined"))
        {
            await ann.NextAsync("ParticipantLeft", e => e.Str("id") == seated.Str("id"));
        }
    }
}
