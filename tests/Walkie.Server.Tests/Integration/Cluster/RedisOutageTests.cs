using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration.Cluster;

/// <summary>Redis restarts under a live cluster, empty: Orleans's membership table and every subscription are gone.</summary>
[Collection(ClusterCollection.Name)]
public class RedisOutageTests
{
    [Fact]
    public async Task AfterARedisRestartNoMemberIsLostNoFloorIsStuckAndTheClusterCarriesOn()
    {
        await using var cluster = await RunningCluster.StartAsync();
        var members = new List<TestClient>();
        for (var node = 0; node < 3; node++)
        {
            members.Add(await cluster.JoinOnAsync(node, "ops", $"m{node}"));
        }
        Assert.Equal("granted", (await members[0].InvokeAsync("RequestFloor", new { })).Str("outcome"));
        await members[2].NextAsync("FloorChanged", f => f.HolderId() == members[0].Id);

        cluster.Redis.Kill();
        // Meanwhile the holder lets go: the grain frees the floor whatever the backplane does with the news.
        await members[0].InvokeAsync("ReleaseFloor", new { });
        await Task.Delay(TimeSpan.FromSeconds(2));
        await cluster.Redis.LaunchAsync();

        // Back to work: members on every node still hold their seats, the floor is free, and events cross nodes again.
        await Eventually.Holds(async () =>
        {
            try
            {
                var granted = await members[1].InvokeAsync("RequestFloor", new { });
                return granted.Str("outcome") == "granted";
            }
            catch (Microsoft.AspNetCore.SignalR.HubException)
            {
                return false;
            }
        }, "the floor to be granted after Redis came back");
        await members[2].NextAsync("FloorChanged", f => f.HolderId() == members[1].Id, TimeSpan.FromSeconds(15));
        await members[0].NextAsync("FloorChanged", f => f.HolderId() == members[1].Id, TimeSpan.FromSeconds(15));
        await using var late = await cluster.ConnectAsync();
        var everyone = (await late.JoinAsync("ops", "late")).GetProperty("participants").EnumerateArray().Select(p => p.Str("id")).Order(StringComparer.Ordinal);
        Assert.Equal(members.Select(m => m.Id).Order(StringComparer.Ordinal), everyone);
        Assert.All(cluster.Nodes, n => Assert.True(n.IsAlive, $"a node died after Redis restarted:\n{n.Tail()}"));

        // A node that starts now joins the same cluster, not one of its own: its member is in the same channel.
        var fourth = await cluster.AddNodeAsync();
        await using var newcomer = await cluster.JoinOnAsync(fourth, "ops", "newcomer");
        Assert.Equal(members[1].Id, (await newcomer.InvokeAsync("ReleaseFloor", new { })).HolderId());
        await members.DisposeAllAsync();
    }
}
