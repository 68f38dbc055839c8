using System.Diagnostics;
using System.Net;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration.Attacks;

public class ChannelAbuseTests
{
    [Fact]
    public async Task PasscodeGuessesBackOffAndARightGuessDuringTheWaitIsRefusedAlike()
    {
        await using var server = await RunningServer.StartAsync(new()
        {
            ["Walkie:RateLimits:Join:Burst"] = "1000",
            ["Walkie:RateLimits:Join:AddressBurst"] = "1000",
        });
        await using var owner = await server.JoinAsync("vault", "Owner", "4711");
        await using var guesser = await server.ConnectAsync();

        var codes = new List<string>();
        var watch = Stopwatch.StartNew();
        for (var pin = 0; pin < 200 && watch.Elapsed < TimeSpan.FromSeconds(3); pin++)
        {
            codes.Add(await guesser.ErrorCodeOf("Join", new { channel = "vault", name = "Mallory", passcode = pin.ToString("D4", System.Globalization.CultureInfo.InvariantCulture) }));
        }
        // Three free failures, then each answer is the lockout until it passes: 1 s, then 2 s, ...
        Assert.Equal(["wrong-passcode", "wrong-passcode", "wrong-passcode", "wrong-passcode"], codes.Take(4));
        Assert.Equal("rate-limited", codes[4]);
        Assert.InRange(codes.Count(c => c == "wrong-passcode"), 4, 6);

        // The right PIN while locked out gets the very same answer as a wrong one would.
        var locked = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(
            () => guesser.SendToHubAsync("Join", new { channel = "vault", name = "Mallory", passcode = "4711" }));
        var (code, message) = WireError.Parse(locked.Message);
        Assert.Equal("rate-limited", code);
        Assert.Matches(@"^too many wrong passcodes for this channel \(retry in \d+ ms\)$", message);
        Assert.Empty(owner.Drain("ParticipantJoined"));

        // Another address is not locked out, and the owner's channel is untouched.
        await using var friend = await RawHubClient.ConnectAsync(server.HubUrl, IPAddress.Parse("127.0.0.4"));
        var joined = await friend.InvokeAsync("Join", new { channel = "vault", name = "Friend", passcode = "4711" });
        Assert.Equal(joined.GetProperty("self").Str("id"), (await owner.NextAsync("ParticipantJoined")).Str("id"));
    }

    [Fact]
    public async Task APasscodeForAnOpenChannelIsRefusedSoItsSenderKnowsAnyoneMayListen()
    {
        await using var server = await RunningServer.StartAsync();
        await using var squatter = await server.JoinAsync("team", "Squatter");
        await using var owner = await server.ConnectAsync();
        Assert.Equal("channel-open", await owner.ErrorCodeOf("Join", new { channel = "team", name = "Owner", passcode = "s3cret" }));
        Assert.Empty(squatter.Drain("ParticipantJoined"));

        var open = await owner.JoinAsync("team", "Owner");
        Assert.False(open.GetProperty("private").GetBoolean());
        await using var other = await server.JoinAsync("team-s3cret-channel", "Owner", "s3cret");
        Assert.True((await other.JoinAsync("team-s3cret-channel", "Owner", "s3cret")).GetProperty("private").GetBoolean());
    }

    [Fact]
    public async Task OneAddressCannotHoldAllTheChannels()
    {
        await using var server = await RunningServer.StartAsync(new()
        {
            ["Walkie:MaxChannelsPerAddress"] = "5",
            ["Walkie:RateLimits:Join:AddressBurst"] = "1000",
            // A dropped member keeps the channel alive through the resume grace; keep that short here.
            ["Walkie:Resume:Grace"] = "00:00:00.200",
        });
        var squatters = new List<RawHubClient>();
        try
        {
            var codes = new List<string>();
            for (var i = 0; i < 8; i++)
            {
                var squatter = await RawHubClient.ConnectAsync(server.HubUrl, IPAddress.Parse("127.0.0.3"));
                squatters.Add(squatter);
                try
                {
                    await squatter.InvokeAsync("Join", new { channel = $"squat-{i}", name = "S", passcode = "x" });
                    codes.Add("ok");
                }
                catch (InvalidOperationException e)
                {
                    codes.Add(e.Message.Split(':')[^2].Trim().Split(' ')[^1]);
                }
            }
            Assert.Equal(["ok", "ok", "ok", "ok", "ok", "channel-limit", "channel-limit", "channel-limit"], codes);

            // Joining someone else's channel is not creating one; and other addresses still create theirs.
            await using var host = await server.JoinAsync("party", "Host");
            await squatters[^1].InvokeAsync("Join", new { channel = "party", name = "S" });
            await using var ann = await server.JoinAsync("fresh", "Ann");

            // A channel that empties gives its creator the slot back.
            await squatters[0].DisposeAsync();
            squatters.RemoveAt(0);
            await Eventually.Holds(async () =>
            {
                try
                {
                    await squatters[^2].InvokeAsync("Join", new { channel = "squat-new", name = "S", passcode = "x" });
                    return true;
                }
                catch (InvalidOperationException)
                {
                    return false;
                }
            }, "the emptied channel's slot to come back");
        }
        finally
        {
            await squatters.DisposeAllAsync();
        }
    }

    [Fact]
    public async Task AServerAtItsChannelLimitRefusesNewChannelsButNotJoinsAndFreesASlotWhenOneEmpties()
    {
        await using var server = await RunningServer.StartAsync(new() { ["Walkie:MaxChannels"] = "2" });
        await using var ann = await server.JoinAsync("one", "Ann");
        await using var bob = await server.JoinAsync("two", "Bob");
        await using var cy = await server.ConnectAsync();
        Assert.Equal("server-full", await cy.ErrorCodeOf("Join", new { channel = "three", name = "Cy" }));
        // A refused join leaves nothing behind, and existing channels still take members.
        await cy.JoinAsync("one", "Cy");

        await bob.InvokeAsync("Leave", new { });
        await using var dee = await server.ConnectAsync();
        Assert.Equal("three", (await dee.JoinAsync("three", "Dee")).Str("channel"));
    }

    [Fact]
    public async Task ABotCutOffByTheTimeLimitCannotRetakeTheFloorAheadOfAHuman()
    {
        await using var server = await RunningServer.StartAsync(new()
        {
            ["Walkie:TransmitLimit"] = "00:00:00.500",
            ["Walkie:RekeyDelay"] = "00:00:02",
        });
        await using var bot = await server.JoinAsync("crew", "Bot");
        await using var human = await server.JoinAsync("crew", "Human");
        Assert.Equal("granted", (await bot.InvokeAsync("RequestFloor", new { })).Str("outcome"));
        await bot.NextAsync("FloorRevoked");

        // The bot re-keys at once and is told to wait; the human, 150 ms later, is granted.
        var retake = await bot.InvokeAsync("RequestFloor", new { });
        Assert.Equal("denied", retake.Str("outcome"));
        Assert.InRange(retake.GetProperty("retryAfterMs").GetInt64(), 1, 2000);
        await Task.Delay(150);
        Assert.Equal("granted", (await human.InvokeAsync("RequestFloor", new { })).Str("outcome"));
        Assert.Equal("queued", (await bot.InvokeAsync("RequestFloor", new { })).Str("outcome"));
    }
}
