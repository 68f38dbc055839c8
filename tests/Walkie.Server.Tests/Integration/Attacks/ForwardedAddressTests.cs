using System.Net;
using Microsoft.Extensions.Options;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration.Attacks;

/// <summary>
/// Behind a proxy every connection comes from the proxy's address. X-Forwarded-For counts only when the peer is a
/// trusted proxy, and then only its last entry, the one that proxy appended.
/// </summary>
public class ForwardedAddressTests
{
    private static readonly IPAddress Proxy = IPAddress.Loopback;
    private static readonly IPAddress Stranger = IPAddress.Parse("127.0.0.2");

    [Theory]
    [InlineData("localhost")]
    [InlineData("10.0.0.1/33")]
    [InlineData("10.0.0.1/8")]
    [InlineData("127.1")]
    [InlineData("10/8")]
    [InlineData("")]
    public async Task ABadEntryStopsTheServerWithAMessageNamingIt(string entry)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningServer.StartAsync(new()
        {
            ["Walkie:TrustedProxies:0"] = "127.0.0.1",
            ["Walkie:TrustedProxies:1"] = entry,
        }));
        Assert.Contains($"'{entry}'", error.Message);
        Assert.DoesNotContain("'127.0.0.1'", error.Message);
    }

    [Fact]
    public async Task AddressesAndNetworksOfBothFamiliesAreAccepted()
    {
        await using var server = await RunningServer.StartAsync(new()
        {
            ["Walkie:TrustedProxies:0"] = "127.0.0.1",
            ["Walkie:TrustedProxies:1"] = "10.0.0.0/8",
            ["Walkie:TrustedProxies:2"] = "::1",
            ["Walkie:TrustedProxies:3"] = "fd00::/8",
        });
        await using var client = await server.ConnectAsync();
    }

    [Fact]
    public async Task ATrustedProxysClientsEachGetTheirOwnConnectionCap()
    {
        await using var server = await StartAsync(trusted: "127.0.0.1");
        var statuses = await OpenEachAsync(server, Proxy, "10.0.0.1", "10.0.0.2", "10.0.0.1");
        Assert.Equal([101, 101, 429], statuses.Select(s => s.Status));
        await statuses.Select(s => s.Client).OfType<RawHubClient>().DisposeAllAsync();
    }

    [Fact]
    public async Task ATrustedNetworkCoversEveryProxyInIt()
    {
        await using var server = await StartAsync(trusted: "127.0.0.0/8");
        var statuses = await OpenEachAsync(server, Stranger, "10.0.0.1", "10.0.0.2", "10.0.0.1");
        Assert.Equal([101, 101, 429], statuses.Select(s => s.Status));
        await statuses.Select(s => s.Client).OfType<RawHubClient>().DisposeAllAsync();
    }

    [Fact]
    public async Task WithoutTrustedProxiesAForwardedForHeaderChangesNothing()
    {
        await using var server = await StartAsync(trusted: null);
        var statuses = await OpenEachAsync(server, Proxy, "10.0.0.1", "10.0.0.2");
        Assert.Equal([101, 429], statuses.Select(s => s.Status));
        await statuses.Select(s => s.Client).OfType<RawHubClient>().DisposeAllAsync();
    }

    [Fact]
    public async Task APeerThatIsNotTheTrustedProxyCannotClaimAnotherAddress()
    {
        await using var server = await StartAsync(trusted: "127.0.0.1");
        var statuses = await OpenEachAsync(server, Stranger, "10.0.0.1", "10.0.0.2");
        Assert.Equal([101, 429], statuses.Select(s => s.Status));
        await statuses.Select(s => s.Client).OfType<RawHubClient>().DisposeAllAsync();
    }

    [Fact]
    public async Task OnlyTheEntryTheProxyAppendedCounts()
    {
        // A client writes its own X-Forwarded-For; the proxy appends the address it really came from.
        await using var server = await StartAsync(trusted: "127.0.0.1");
        var statuses = await OpenEachAsync(server, Proxy, "10.9.9.9, 10.0.0.1", "10.9.9.8, 10.0.0.1");
        Assert.Equal([101, 429], statuses.Select(s => s.Status));
        await statuses.Select(s => s.Client).OfType<RawHubClient>().DisposeAllAsync();
    }

    [Fact]
    public async Task AClientCannotPassItselfOffAsComingThroughAnotherTrustedProxy()
    {
        // The proxy appended 127.0.0.3, which is inside the trusted network; the client wrote the rest. Following the
        // chain past the first entry would believe the client's own words.
        await using var server = await StartAsync(trusted: "127.0.0.0/8");
        var statuses = await OpenEachAsync(server, Proxy, "10.9.9.1, 127.0.0.3", "10.9.9.2, 127.0.0.3");
        Assert.Equal([101, 429], statuses.Select(s => s.Status));
        await statuses.Select(s => s.Client).OfType<RawHubClient>().DisposeAllAsync();
    }

    [Fact]
    public async Task TheHubCountsChannelsByTheForwardedAddressToo()
    {
        await using var server = await RunningServer.StartAsync(new()
        {
            ["Walkie:TrustedProxies:0"] = "127.0.0.1",
            ["Walkie:MaxChannelsPerAddress"] = "1",
        });
        await using var ann = await RawHubClient.ConnectAsync(server.HubUrl, Proxy, null, "X-Forwarded-For: 10.0.0.1");
        await using var bob = await RawHubClient.ConnectAsync(server.HubUrl, Proxy, null, "X-Forwarded-For: 10.0.0.2");
        await using var annAgain = await RawHubClient.ConnectAsync(server.HubUrl, Proxy, null, "X-Forwarded-For: 10.0.0.1");
        await ann.InvokeAsync("Join", new { channel = "one", name = "Ann" });
        await bob.InvokeAsync("Join", new { channel = "two", name = "Bob" });
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => annAgain.InvokeAsync("Join", new { channel = "three", name = "Ann" }));
        Assert.Contains("channel-limit", refused.Message);
    }

    private static Task<RunningServer> StartAsync(string? trusted)
    {
        var settings = new Dictionary<string, string?> { ["Walkie:MaxConnectionsPerAddress"] = "1" };
        if (trusted is not null)
        {
            settings["Walkie:TrustedProxies:0"] = trusted;
        }
        return RunningServer.StartAsync(settings);
    }

    /// <summary>Opens one hub WebSocket per forwarded-for value, in order, keeping the accepted ones open.</summary>
    private static async Task<List<(RawHubClient? Client, int Status)>> OpenEachAsync(RunningServer server, IPAddress from, params string[] forwardedFor)
    {
        var results = new List<(RawHubClient?, int)>();
        foreach (var value in forwardedFor)
        {
            results.Add(await RawHubClient.OpenAsync(server.HubUrl, from, null, null, $"X-Forwarded-For: {value}"));
        }
        return results;
    }
}
