using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Walkie.Server.Media;
using Walkie.Server.Media.Janus;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration.Janus;

/// <summary>A mesh channel that grows past Sfu:MeshLimit moves to a real Janus without anyone leaving it.</summary>
public class SfuSwitchTests(JanusFixture janus) : IClassFixture<JanusFixture>
{
    private static Dictionary<string, string?> SwitchSettings(JanusServer server) => new()
    {
        ["Walkie:Sfu:JanusUrl"] = server.Url.ToString(),
        ["Walkie:Sfu:AdminKey"] = JanusServer.AdminKey,
        ["Walkie:Sfu:ApiSecret"] = JanusServer.ApiSecret,
        ["Walkie:Sfu:MeshLimit"] = "2",
        ["Walkie:Sfu:MaxMembers"] = "4",
        ["Walkie:MaxParticipantsPerChannel"] = "2",
    };

    private static string Topology(JsonElement joined) => joined.GetProperty("media").GetProperty("topology").GetString()!;

    private static int Cap(JsonElement joined) => joined.GetProperty("limits").GetProperty("maxParticipants").GetInt32();

    private static string? HolderOf(JsonElement floor) =>
        floor.GetProperty("holder").ValueKind == JsonValueKind.Null ? null : floor.GetProperty("holder").GetProperty("id").GetString();

    [Fact]
    public async Task TheJoinPastTheMeshLimitMovesEveryoneToJanusWithTheFloorAndIdsIntact()
    {
        await using var server = await RunningServer.StartAsync(SwitchSettings(janus.Server));
        await using var ann = await server.ConnectAsync();
        var annJoined = await ann.JoinAsync("growing", "Ann");
        await using var bob = await server.ConnectAsync();
        var bobJoined = await bob.JoinAsync("growing", "Bob");
        Assert.Equal("mesh", Topology(annJoined));
        Assert.Equal("mesh", Topology(bobJoined));
        Assert.Equal(2, Cap(bobJoined));
        Assert.Null(server.Services.GetRequiredService<SfuRooms>().Find("growing"));
        Assert.Equal("granted", (await ann.InvokeAsync("RequestFloor", new { })).GetProperty("outcome").GetString());
        Assert.Equal("queued", (await bob.InvokeAsync("RequestFloor", new { })).GetProperty("outcome").GetString());

        await using var cat = await server.ConnectAsync();
        var catJoined = await cat.JoinAsync("growing", "Cat");

        Assert.Equal("sfu", Topology(catJoined));
        Assert.Equal(4, Cap(catJoined));
        foreach (var member in new[] { ann, bob })
        {
            Assert.Equal("sfu", (await member.NextAsync("MediaChanged")).GetProperty("topology").GetString());
        }
        // The others, the floor and its queue are what they were: nobody left or re-joined.
        Assert.Equal([ann.Id, bob.Id], catJoined.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("id").GetString()!));
        Assert.Equal(ann.Id, HolderOf(catJoined.GetProperty("floor")));
        Assert.Equal([bob.Id], catJoined.GetProperty("floor").GetProperty("queue").EnumerateArray().Select(p => p.GetProperty("id").GetString()!));

        // Janus has the room and the mountpoint.
        var room = server.Services.GetRequiredService<SfuRooms>().Find("growing") ?? throw new InvalidOperationException("no room");
        await using var probe = await JanusTesting.ConnectAsync(janus.Server.Options());
        await using var session = await probe.CreateSessionAsync();
        Assert.True(await (await VideoRoomHandle.AttachAsync(session)).JoinAsPublisherAsync(room.RoomId) > 0);
        Assert.Equal("offer", (await (await StreamingHandle.AttachAsync(session)).WatchAsync(room.MountpointId)).Type);

        // The holder kept the floor across the switch: once Ann publishes, Janus forwards her.
        await ann.InvokeAsync("SfuPublish", new { offer = new { type = "offer", sdp = JanusTesting.BrowserOffer().Sdp } });
        await Eventually.Holds(() => Task.FromResult(room.Forwarding == ann.Id), "Ann to be forwarded");

        // The joiner learnt the topology from its Join result and is told nothing more; the cap is now Sfu:MaxMembers.
        await using var dan = await server.ConnectAsync();
        Assert.Equal("sfu", Topology(await dan.JoinAsync("growing", "Dan")));
        await using var eve = await server.ConnectAsync();
        Assert.Equal("channel-full", await eve.ErrorCodeOf("Join", new { channel = "growing", name = "Eve" }));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cat.NextAsync("MediaChanged", _ => true, TimeSpan.FromMilliseconds(300)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ann.NextAsync("MediaChanged", _ => true, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task WhenJanusCannotTakeTheChannelTheJoinIsRefusedAndTheMeshStaysAsItWas()
    {
        await using var own = await JanusServer.StartAsync();
        var settings = SwitchSettings(own);
        settings["Walkie:Sfu:RequestTimeout"] = "00:00:01";
        await using var server = await RunningServer.StartAsync(settings);
        own.Kill();

        // A mesh channel needs no Janus.
        await using var ann = await server.JoinAsync("stuck", "Ann");
        await using var bob = await server.JoinAsync("stuck", "Bob");
        await using var cat = await server.ConnectAsync();
        Assert.Equal("sfu-unavailable", await cat.ErrorCodeOf("Join", new { channel = "stuck", name = "Cat" }));

        // Still the mesh of two: signals between them are relayed, and nobody came or went.
        await ann.InvokeAsync("Signal", new { to = bob.Id, candidate = new { candidate = "" } });
        Assert.Equal(ann.Id, (await bob.NextAsync("Signal")).GetProperty("from").GetString());
        Assert.DoesNotContain(ann.Drain("ParticipantJoined"), e => e.GetProperty("id").GetString() != bob.Id);
        Assert.Empty(ann.Drain("ParticipantLeft"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ann.NextAsync("MediaChanged", _ => true, TimeSpan.FromMilliseconds(300)));
        await Eventually.Holds(() => Task.FromResult(server.Services.GetRequiredService<SfuRooms>().Count == 0), "no room to be left");

        await own.RestartAsync();
        Assert.Equal("sfu", Topology(await cat.JoinAsync("stuck", "Cat")));
        Assert.Equal("sfu", (await ann.NextAsync("MediaChanged")).GetProperty("topology").GetString());
    }
}
