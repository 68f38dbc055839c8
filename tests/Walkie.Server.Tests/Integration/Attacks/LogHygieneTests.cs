using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Walkie.Server.Hubs;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration.Attacks;

public class LogHygieneTests
{
    [Fact]
    public async Task RefusedCallsWriteNoLogLinesAtInformationAndAreCounted()
    {
        await using var server = await RunningServer.StartAsync(new() { ["Walkie:RateLimits:Enabled"] = "false" });
        var refusals = 0L;
        using var listener = new MeterListener();
        var meters = server.Services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == "walkie.hub.refusals")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref refusals, value));
        listener.Start();

        await using var owner = await server.JoinAsync("vault", "Owner", "right");
        await using var client = await server.ConnectAsync();
        var before = server.Logs.Count;
        for (var i = 0; i < 300; i++)
        {
            await client.ErrorCodeOf("RequestFloor", new { });
            await client.ErrorCodeOf("Join", new { channel = "vault", name = "Mallory", passcode = $"guess-{i}" });
            await client.ErrorCodeOf("Signal", "not an object");
        }

        Assert.Equal(900, Interlocked.Read(ref refusals));
        var written = server.Logs.Skip(before).ToList();
        Assert.True(written.Count == 0, $"refusals were logged at Information or above:\n{string.Join('\n', written.Take(5))}");
    }

    [Fact]
    public async Task NoLogLevelPrintsAPasscodeAnSdpOrACandidate()
    {
        const string passcode = "PASS-MARKER-123";
        const string sdpMarker = "SDPMARKER999";
        const string candidateMarker = "CANDMARKER";
        await using var server = await RunningServer.StartAsync(logLevel: LogLevel.Trace);
        await using var ann = await server.JoinAsync("crew", "Ann", passcode);
        await using var bob = await server.JoinAsync("crew", "Bob", passcode);
        await using var mallory = await server.ConnectAsync();
        await mallory.ErrorCodeOf("Join", new { channel = "crew", name = "Mallory", passcode = passcode + "-wrong" });

        await ann.InvokeAsync("Signal", new { to = bob.Id, description = new { type = "offer", sdp = $"v=0\r\na=ice-pwd:{sdpMarker}\r\n" } });
        await ann.InvokeAsync("Signal", new { to = bob.Id, candidate = new { candidate = $"candidate:{candidateMarker} 1 udp 1 192.0.2.1 9 typ host", sdpMid = "0" } });
        await ann.ErrorCodeOf("Signal", new { to = "p-nobody", description = new { type = "answer", sdp = sdpMarker } });
        await bob.NextAsync("Signal");
        await bob.NextAsync("Signal");

        var logs = server.Logs.ToList();
        Assert.Contains(logs, l => l.StartsWith("Trace:", StringComparison.Ordinal));
        foreach (var marker in new[] { passcode, sdpMarker, candidateMarker })
        {
            Assert.DoesNotContain(logs, l => l.Contains(marker, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void AHubArgumentNeverPrintsItsContent()
    {
        var argument = System.Text.Json.JsonSerializer.Deserialize<HubArgument>("""{"passcode":"PASS-MARKER-123"}""");
        Assert.DoesNotContain("PASS-MARKER", argument.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("PASS-MARKER", new object[] { argument }.Select(a => $"{a}").Single(), StringComparison.Ordinal);
        Assert.Equal(30, argument.Bytes);
    }
}
