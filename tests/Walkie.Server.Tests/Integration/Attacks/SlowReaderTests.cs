using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
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
        var sent = await SendUntilCutOffAsync(
            new() { ["Walkie:MaxQueuedOutputBytes"] = (256 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture) }, 64L * 1024 * 1024, "slow-reader");
        // 256 KiB of backlog plus socket buffers and the 64 KiB pipe: far below what was on offer.
        Assert.InRange(sent, 256 * 1024, 16L * 1024 * 1024);
    }

    /// <summary>
    /// What a channel on another node sends comes through the Redis backplane, past the outbox's byte count. Here the
    /// byte bound (64 MiB) is more than is ever sent (16 MiB), so only the watch on writes can cut the reader off: once a
    /// write to it has waited a client timeout.
    /// </summary>
    [Fact]
    public async Task AMemberWhoTakesNothingWrittenToItForAClientTimeoutIsCutOffWhateverItsBacklog()
    {
        var sent = await SendUntilCutOffAsync(new()
        {
            ["Walkie:MaxQueuedOutputBytes"] = (64 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Walkie:KeepAliveInterval"] = "00:00:01",
            ["Walkie:ClientTimeoutInterval"] = "00:00:03",
        }, 16L * 1024 * 1024, "stalled");
        Assert.InRange(sent, 64 * 1024, 16L * 1024 * 1024);
    }

    /// <returns>How many bytes of offers were sent to the reader before the server cut it off.</returns>
    /// <param name="reason">Why the server must say it cut the reader off.</param>
    private static async Task<long> SendUntilCutOffAsync(Dictionary<string, string?> settings, long atMost, string reason)
    {
        settings["Walkie:RateLimits:Signal:PerSecond"] = "1000000";
        settings["Walkie:RateLimits:Signal:Burst"] = "1000000";
        settings["Walkie:RateLimits:Signal:AddressPerSecond"] = "1000000";
        settings["Walkie:RateLimits:Signal:AddressBurst"] = "1000000";
        await using var server = await RunningServer.StartAsync(settings);
        // Why it was cut: a reader left waiting long enough is also cut for sending nothing (its pings queue unread).
        var reasons = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var listener = new MeterListener();
        var meters = server.Services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == "walkie.connections.cut")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                reasons.Enqueue($"{tag.Value}");
            }
        });
        listener.Start();
        await using var sender = await server.JoinAsync("crew", "Sender");
        await using var slow = await RawHubClient.ConnectAsync(server.HubUrl, receiveBuffer: 4096);
        var slowId = (await slow.InvokeAsync("Join", new { channel = "crew", name = "Slow" })).GetProperty("self").Str("id");
        using var stopPinging = new CancellationTokenSource();
        var pinger = KeepPinging(slow, stopPinging.Token);

        var offer = new { to = slowId, description = new { type = "offer", sdp = new string('x', OfferBytes) } };
        long sent = 0;
        var left = sender.NextAsync("ParticipantAway", TimeSpan.FromSeconds(20));
        while (!left.IsCompleted && sent < atMost)
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
        Assert.Equal([reason], reasons);
        await stopPinging.CancelAsync();
        await pinger;

        // Nobody else lost anything: a newcomer joins, takes the floor, and the sender sees it.
        await using var ann = await server.JoinAsync("crew", "Ann");
        Assert.Equal("granted", (await ann.InvokeAsync("RequestFloor", new { })).Str("outcome"));
        await sender.NextAsync("FloorChanged", f => f.HolderId() == ann.Id);
        return sent;
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
