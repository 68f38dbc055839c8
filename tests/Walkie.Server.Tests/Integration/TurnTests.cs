using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration;

public class TurnTests : IAsyncLifetime
{
    private const string Secret = "SECRET-MARKER-7f3a9c1e5b2d4086";
    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync(new()
    {
        ["Walkie:Turn:Enabled"] = "true",
        ["Walkie:Turn:Urls:0"] = "turn:127.0.0.1:3478?transport=udp",
        ["Walkie:Turn:Urls:1"] = "turn:127.0.0.1:3478?transport=tcp",
        ["Walkie:Turn:Secret"] = Secret,
        ["Walkie:Turn:CredentialTtl"] = "00:10:00",
        ["Walkie:IceTransportPolicy"] = "relay",
    }, LogLevel.Trace);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task JoinHandsOutAShortLivedCredentialForThisParticipant()
    {
        await using var ann = await _server.ConnectAsync();
        var joined = await ann.JoinAsync("crew", "Ann");
        Assert.Equal("relay", joined.Str("iceTransportPolicy"));
        var turn = Assert.Single(joined.GetProperty("iceServers").EnumerateArray());
        Assert.Equal(["turn:127.0.0.1:3478?transport=udp", "turn:127.0.0.1:3478?transport=tcp"],
            turn.GetProperty("urls").EnumerateArray().Select(u => u.GetString()));

        var username = turn.Str("username");
        var (expiry, participant) = (long.Parse(username.Split(':')[0]), username.Split(':')[1]);
        Assert.Equal(ann.Id, participant);
        Assert.InRange(expiry - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 590, 610);
        var expected = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(username)));
        Assert.Equal(expected, turn.Str("credential"));
    }

    [Fact]
    public async Task RefreshGivesAFreshCredentialOnlyToMembers()
    {
        await using var ann = await _server.ConnectAsync();
        Assert.Equal("not-joined", await ann.ErrorCodeOf("RefreshIceServers", new { }));
        var joined = await ann.JoinAsync("crew", "Ann");
        var refreshed = await ann.InvokeAsync("RefreshIceServers", new { });
        var before = joined.GetProperty("iceServers")[0].Str("username");
        var after = refreshed.GetProperty("iceServers")[0].Str("username");
        Assert.EndsWith($":{ann.Id}", after);
        Assert.True(long.Parse(after.Split(':')[0]) >= long.Parse(before.Split(':')[0]));
        Assert.Equal("relay", refreshed.Str("iceTransportPolicy"));
    }

    [Fact]
    public async Task TheSecretAppearsInNoResultResponseOrLogLine()
    {
        await using var ann = await _server.ConnectAsync();
        var joined = await ann.JoinAsync("crew", "Ann");
        var refreshed = await ann.InvokeAsync("RefreshIceServers", new { });
        Assert.DoesNotContain(Secret, joined.GetRawText());
        Assert.DoesNotContain(Secret, refreshed.GetRawText());

        using var http = new HttpClient { BaseAddress = _server.Address };
        foreach (var path in new[] { "/", "/c/crew", "/healthz", "/index.html", "/nope" })
        {
            var body = await (await http.GetAsync(path).WaitAsync(RunningServer.Timeout)).Content.ReadAsStringAsync();
            Assert.DoesNotContain(Secret, body);
        }
        var negotiate = await http.PostAsync("/hubs/channel/negotiate?negotiateVersion=1", null).WaitAsync(RunningServer.Timeout);
        Assert.DoesNotContain(Secret, await negotiate.Content.ReadAsStringAsync());

        // Trace level: SignalR's own connection and invocation logging is captured too.
        Assert.Contains(_server.Logs, line => line.StartsWith("Trace:", StringComparison.Ordinal));
        Assert.DoesNotContain(_server.Logs, line => line.Contains(Secret, StringComparison.Ordinal));
    }
}
