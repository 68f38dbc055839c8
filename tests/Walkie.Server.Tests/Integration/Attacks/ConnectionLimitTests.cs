using System.Net;
using Walkie.Server.Protection;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration.Attacks;

public class ConnectionLimitTests
{
    private static readonly IPAddress Attacker = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task OneAddressGetsOnlyItsShareOfConnectionsAndOthersStillGetIn()
    {
        await using var server = await RunningServer.StartAsync(new() { ["Walkie:MaxConnectionsPerAddress"] = "20" });
        var open = new List<RawHubClient>();
        var refused = new List<int>();
        try
        {
            for (var i = 0; i < 30; i++)
            {
                var (client, status) = await RawHubClient.OpenAsync(server.HubUrl, Attacker);
                if (client is null)
                {
                    refused.Add(status);
                }
                else
                {
                    open.Add(client);
                }
            }
            Assert.Equal(20, open.Count);
            Assert.All(refused, status => Assert.Equal(429, status));

            // Another address is not affected, and a closed connection frees its slot.
            await using var ann = await server.JoinAsync("crew", "Ann");
            Assert.Equal("granted", (await ann.InvokeAsync("RequestFloor", new { })).Str("outcome"));
            await open[0].DisposeAsync();
            open.RemoveAt(0);
            await Eventually.Holds(async () =>
            {
                var (again, _) = await RawHubClient.OpenAsync(server.HubUrl, Attacker);
                if (again is null)
                {
                    return false;
                }
                open.Add(again);
                return true;
            }, "the closed connection's slot to come back");
        }
        finally
        {
            await open.DisposeAllAsync();
        }
    }

    [Fact]
    public async Task TheTotalCapRefusesConnectionsInsteadOfRunningOutOfFiles()
    {
        await using var server = await RunningServer.StartAsync(new()
        {
            ["Walkie:MaxConnections"] = "12",
            ["Walkie:RateLimits:Connect:AddressBurst"] = "1000",
        });
        var open = new List<RawHubClient>();
        var refused = 0;
        try
        {
            for (var i = 0; i < 20; i++)
            {
                // Spread over addresses, so only the total cap can stop them.
                try
                {
                    var (client, _) = await RawHubClient.OpenAsync(server.HubUrl, IPAddress.Parse($"127.0.1.{i + 1}"));
                    if (client is null)
                    {
                        refused++;
                    }
                    else
                    {
                        open.Add(client);
                    }
                }
                catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or FormatException or IndexOutOfRangeException)
                {
                    refused++; // Kestrel closes connections over its cap without an HTTP answer.
                }
            }
            Assert.Equal(12, open.Count);
            Assert.Equal(8, refused);
        }
        finally
        {
            await open.DisposeAllAsync();
        }
    }

    [Theory]
    [InlineData(20_000, 19_000)]
    [InlineData(1_024, 960)]
    [InlineData(100, 36)]
    public void TheDefaultCapStaysBelowTheOpenFileLimit(int fileLimit, int expected)
    {
        Assert.Equal(expected, ConnectionCap.Resolve(configured: 0, fileLimit));
        Assert.Equal(expected, ConnectionCap.Resolve(configured: 1_000_000, fileLimit));
        Assert.Equal(10, ConnectionCap.Resolve(configured: 10, fileLimit));
    }

    [Fact]
    public void ThisProcesssOpenFileLimitIsRead()
    {
        Assert.True(ConnectionCap.ReadFileLimit() > 0);
    }

    [Fact]
    public async Task AConnectionThatNeverCompletesTheHandshakeIsClosed()
    {
        await using var server = await RunningServer.StartAsync(new() { ["Walkie:HandshakeTimeout"] = "00:00:01" });
        var (client, _) = await RawHubClient.OpenAsync(server.HubUrl);
        await using var _ = client;
        Assert.True(await client!.ClosedByServerAsync(TimeSpan.FromSeconds(5)), "a connection without a handshake stayed open");
    }

    /// <summary>SignalR only times a client out after its first ping; one that never pings must not stay for ever.</summary>
    [Fact]
    public async Task AJoinedConnectionThatNeverPingsIsClosedAndLeavesItsChannel()
    {
        await using var server = await RunningServer.StartAsync(new()
        {
            ["Walkie:KeepAliveInterval"] = "00:00:01",
            ["Walkie:ClientTimeoutInterval"] = "00:00:02",
        });
        await using var ann = await server.JoinAsync("crew", "Ann");
        await using var squatter = await RawHubClient.ConnectAsync(server.HubUrl);
        var id = (await squatter.InvokeAsync("Join", new { channel = "crew", name = "Squatter", passcode = (string?)null })).GetProperty("self").Str("id");
        // Cut off after 2-3 s; the wait is the suite's usual one, since a loaded machine once took over 6 s.
        Assert.Equal(id, (await ann.NextAsync("ParticipantAway")).Str("id"));
        Assert.True(await squatter.ClosedByServerAsync(RunningServer.Timeout));
    }

    [Fact]
    public async Task NegotiateFloodsAreRefusedPerAddress()
    {
        await using var server = await RunningServer.StartAsync(new()
        {
            ["Walkie:RateLimits:Connect:AddressPerSecond"] = "5",
            ["Walkie:RateLimits:Connect:AddressBurst"] = "20",
        });
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(Attacker, 0));
                await socket.ConnectAsync(context.DnsEndPoint, token);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        });
        var answered = 0;
        var refused = 0;
        for (var i = 0; i < 500; i++)
        {
            using var response = await http.PostAsync(new Uri(server.HubUrl + "/negotiate?negotiateVersion=1"), null).WaitAsync(RunningServer.Timeout);
            if (response.IsSuccessStatusCode)
            {
                answered++;
            }
            else
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
                refused++;
            }
        }
        // The burst plus what refilled while the loop ran; the run takes well under 10 s.
        Assert.InRange(answered, 20, 70);
        Assert.Equal(500 - answered, refused);

        await using var ann = await server.JoinAsync("crew", "Ann");
        Assert.Equal("granted", (await ann.InvokeAsync("RequestFloor", new { })).Str("outcome"));
    }
}
