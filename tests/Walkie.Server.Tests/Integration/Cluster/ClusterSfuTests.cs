using Walkie.Server.Tests.Infrastructure;
using Walkie.Server.Tests.Integration.Janus;

namespace Walkie.Server.Tests.Integration.Cluster;

/// <summary>A large channel in a cluster: its grain owns the Janus room, and members on every node reach it.</summary>
[Collection(ClusterCollection.Name)]
public class ClusterSfuTests
{
    [Fact]
    public async Task MembersOnEveryNodePublishAndListenThroughTheChannelsGrain()
    {
        await using var janus = await JanusServer.StartAsync();
        await using var cluster = await RunningCluster.StartAsync(new()
        {
            ["Walkie:Sfu:JanusUrl"] = janus.Url.ToString(),
            ["Walkie:Sfu:AdminKey"] = JanusServer.AdminKey,
            ["Walkie:Sfu:ApiSecret"] = JanusServer.ApiSecret,
            ["Walkie:Sfu:MeshLimit"] = "0",
        });
        var members = new List<TestClient>();
        for (var node = 0; node < 3; node++)
        {
            var member = await cluster.ConnectToAsync(node);
            members.Add(member);
            var joined = await member.JoinAsync("big", $"m{node}");
            Assert.Equal("sfu", joined.GetProperty("media").GetProperty("topology").GetString());
            Assert.Equal(500, joined.GetProperty("limits").GetProperty("maxParticipants").GetInt32());
        }
        foreach (var member in members)
        {
            var answer = await member.InvokeAsync("SfuPublish", new { offer = new { type = "offer", sdp = JanusTesting.BrowserOffer().Sdp } });
            Assert.Equal("answer", answer.GetProperty("answer").Str("type"));
            var offer = await member.InvokeAsync("SfuListen", new { });
            Assert.Contains("m=audio", offer.GetProperty("offer").Str("sdp"), StringComparison.Ordinal);
        }
        // The floor is the grain's, as in any channel.
        Assert.Equal("granted", (await members[2].InvokeAsync("RequestFloor", new { })).Str("outcome"));
        await members[0].NextAsync("FloorChanged", f => f.HolderId() == members[2].Id);
        await members.DisposeAllAsync();
    }
}
