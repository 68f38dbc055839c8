using System.Diagnostics;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration;

public class DeadConnectionTests
{
    /// <summary>
    /// A client that stops sending anything, pings included, while its socket stays open: what the server sees of a
    /// phone that lost its network. Only the keep-alive timeout can notice it.
    /// </summary>
    [Fact]
    public async Task ASilentHolderIsFreedByTheKeepAliveTimeout()
    {
        await using var server = await RunningServer.StartAsync(new()
        {
            ["Walkie:KeepAliveInterval"] = "00:00:01",
            ["Walkie:ClientTimeoutInterval"] = "00:00:03",
        });
        await using var ann = await server.JoinAsync("crew", "Ann");
        await using var silent = await TestClient.ConnectAsync(server.HubUrl, keepAlive: TimeSpan.FromHours(1));
        await silent.JoinAsync("crew", "Silent");
        await silent.InvokeAsync("RequestFloor", new { });
        var sinceLastMessage = Stopwatch.StartNew();
        await ann.NextAsync("FloorChanged", f => f.HolderId() == silent.Id);

        // Ann pings as asked and stays; the silent one is dropped after the 3 s timeout, plus at most a 1 s tick.
        Assert.Equal(silent.Id, (await ann.NextAsync("ParticipantAway", TimeSpan.FromSeconds(8))).Str("id"));
        await ann.NextAsync("FloorChanged", f => f.HolderId() is null, TimeSpan.FromSeconds(1));
        Assert.InRange(sinceLastMessage.Elapsed, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(5));
        Assert.Empty(ann.Drain("ParticipantAway"));
    }
}
