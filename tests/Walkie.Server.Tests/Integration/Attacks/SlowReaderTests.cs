using System.Text.Json;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration.Attacks;

public class SlowReaderTests
{
    private const int OfferBytes = 16 * 1024;

    /// <summary>
    /// One member joins from a connection that stops reading; another sends it 16 KiB offers. Without a bound the
    /// server queued them all (4.6 GB in 15 s); with one it cuts the reader off once about MaxQueuedOutputBytes
    /// wait for it, on top of what the kernel's socket buffers and the transport pipe hold.
    /// </summary>
    [Fact]
    public async Task AMemberWhoStopsReadingIsCutOffOnceItsBacklogPassesTheBound()
    {
        await using var server = await RunningServer.StartAsync(new()
        {
            ["Walkie:MaxQueuedOutputBytes"] = (256 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Walkie:RateLimits:Signal:PerSecond"] = "1000000",
            ["Walkie:RateLimits:Signal:Burst"] = "1000000",
            ["Walkie:RateLimits:Signal:AddressPerSecond"] = "1000000",
            ["Walkie:RateLimits:Signal:AddressBurst"] = "1000000",
        });
        await using var sender = await server.JoinAsync("crew", "Sender");
        await using var slow = await RawHubClient.ConnectAsync(server.HubUrl, receiveBuffer: 4096);
        var slowId = (await slow.InvokeAsync("Join", new { channel = "crew", name = "Slow" })).GetProperty("self").Str("id");
        using var stopPinging = new CancellationTokenSource();
        var pinger = KeepPinging(slow, stopPinging.Token);

        var offer = new { to = slowId, description = new { type = "offer", sdp = new string('x', OfferBytes) } };
        long sent = 0;
        var left = sender.NextAsync("ParticipantAway", TimeSpan.FromSeconds(20));
        while (!left.IsCompleted && sent < 64L * 1024 * 1024)
        {
            try
            {
                await sender.InvokeAsync("Signal", offer);
                sent += OfferBytes;
            }
            catch (Microsoft.AspNetCore.SignalR.HubException e) when (WireError.Parse(e.Message).Code == "unknown-participant")
            {
                break;
            }
        }
        Assert.True(left.IsCompleted || await Task.WhenAny(left, Task.Delay(RunningServer.Timeout)) == left,
            $"the reader was never cut off, though {sent / 1048576.0:F1} MiB were sent to it");
        Assert.Equal(slowId, (await left).Str("id"));
        // 256 KiB of backlog plus socket buffers and the 64 KiB pipe: far below what was on offer.
        Assert.InRange(sent, 256 * 1024, 16L * 1024 * 1024);
        await stopPinging.CancelAsync();
        await pinger;

        // Nobody else lost anything: a newcomer joins, takes the floor, and the sender sees it.
        await using var ann = await server.JoinAsync("crew", "Ann");
        Assert.Equal("granted", (await ann.InvokeAsync("RequestFloor", new { })).Str("outcome"));
        await sender.NextAsync("FloorChanged", f => f.HolderId() == ann.Id);
    }

    private static async Task KeepPinging(RawHubClient client, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await client.PingAsync();
                await Task.Delay(TimeSpan.FromSeconds(1), stop);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or System.Net.WebSockets.WebSocketException or TimeoutException)
        {
        }
    }
}
