using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Walkie.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Walkie.Server.Tests.Integration;

/// <summary>
/// Generated input against every hub method of one real server: no call may crash the hub, close the caller's
/// connection or deliver anything outside the caller's channel.
/// </summary>
public partial class HubInputProperties(ITestOutputHelper output)
{
    private const int Cases = 10_000;
    private const int ForeignSignalCases = 3_000;

    private static readonly Dictionary<string, string?> Settings = new()
    {
        // Thousands of calls a second from four clients would trip per-method rate limits; this run is about input.
        ["Walkie:RateLimits:Enabled"] = "false",
        // Generated wrong passcodes for "outside" would otherwise lock this address out of the final barrier join.
        ["Walkie:RateLimits:FreePasscodeFailures"] = "1000",
        // Far above the handful of clients here, so channel-full never stands in for another refusal.
        ["Walkie:MaxParticipantsPerChannel"] = "64",
    };

    [Fact]
    public async Task NoGeneratedInputCrashesTheHubOrReachesAnotherChannel()
    {
        await using var server = await RunningServer.StartAsync(Settings, LogLevel.Warning);
        await using var rig = await Rig.StartAsync(server);

        var clock = Stopwatch.StartNew();
        await ForAll(HubInputGenerators.Case, rig.Run, Cases);
        output.WriteLine($"{Cases} cases in {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine(rig.Summary());

        await rig.AssertEverySignalReachedOnlyItsAddressee();
        await AssertHeardNothing(server, rig.Outsider, Rig.OutsideChannel, rig.OutsiderPasscode);
        AssertNoUnhandledErrorLogged(server);
    }

    [Fact]
    public async Task SignalsToAnyoneOutsideTheSendersChannelAreRefusedAndDeliverNothing()
    {
        await using var server = await RunningServer.StartAsync(Settings, LogLevel.Warning);
        await using var ann = await server.JoinAsync("fuzz", "Ann");
        await using var bob = await server.JoinAsync("fuzz", "Bob");
        await using var stranger = await server.JoinAsync("other", "Stranger");
        var passcode = NewPasscode();
        await using var outsider = await server.JoinAsync(Rig.OutsideChannel, "Outsider", passcode);
        var departed = new List<string> { ann.Id };
        await ann.JoinAsync("fuzz", "Ann");
        await using (var ghost = await server.JoinAsync("fuzz", "Ghost"))
        {
            departed.Add(ghost.Id);
            await ghost.InvokeAsync("Leave", new { });
        }

        TestClient[] senders = [ann, bob];
        string Resolve(Target target, int sender) => target.Apply(target.Who switch
        {
            Who.Fuzzed => senders[target.Index % senders.Length].Id,
            Who.Self => senders[sender].Id,
            Who.Outsider => outsider.Id,
            Who.Stranger => stranger.Id,
            _ => departed[target.Index % departed.Count],
        });

        await ForAll(HubInputGenerators.ForeignSignal, async c =>
        {
            var argument = c.Arguments[0].ToElement(t => Resolve(t, c.Client));
            var refused = await Assert.ThrowsAsync<HubException>(() => senders[c.Client].SendToHubAsync("Signal", argument));
            Assert.Equal("unknown-participant", WireError.Parse(refused.Message).Code);
        }, ForeignSignalCases);

        // A signal sent now arrives after anything sent before it, so it must be the first one each sender sees.
        foreach (var (from, to) in new[] { (ann, bob), (bob, ann) })
        {
            await from.InvokeAsync("Signal", new { to = to.Id, description = new { type = "offer", sdp = "barrier" } });
            var first = await to.NextAsync("Signal");
            Assert.True(first.Str("from") == from.Id, $"{to.Name} received a refused signal: {first}");
        }
        await AssertHeardNothing(server, stranger, "other", null);
        await AssertHeardNothing(server, outsider, Rig.OutsideChannel, passcode);
        AssertNoUnhandledErrorLogged(server);
    }

    /// <summary>
    /// Runs the property without shrinking: the server keeps state from case to case, so a shrunk case would run
    /// against another server state than the one that failed. The failing case is printed as generated.
    /// </summary>
    private static async Task ForAll<T>(Gen<T> cases, Func<T, Task> property, int count)
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(count).WithQuietOnSuccess(true);
        // FsCheck blocks on each case's task; on the thread pool that cannot deadlock on xUnit's context.
        await Task.Run(() => Check.One(config, Prop.ForAll(Arb.From(cases), property))).WaitAsync(TimeSpan.FromMinutes(2));
    }

    /// <summary>
    /// A barrier: events reach a connection in the order the server sent them, so once a fresh joiner's
    /// ParticipantJoined arrives, anything the listener was sent before has arrived too.
    /// </summary>
    private static async Task AssertHeardNothing(RunningServer server, TestClient listener, string channel, string? passcode)
    {
        await using var barrier = await server.JoinAsync(channel, "Barrier", passcode);
        var first = await listener.NextAsync("ParticipantJoined");
        Assert.True(first.Str("id") == barrier.Id, $"{listener.Name} in {channel} received ParticipantJoined {first} before the barrier {barrier.Id}");
        foreach (var name in TestClient.EventNames)
        {
            var heard = listener.Drain(name);
            Assert.True(heard.Count == 0, $"{listener.Name} in {channel} received {heard.Count} {name}, first {heard.FirstOrDefault()}");
        }
    }

    /// <summary>Refusals are logged at Debug; an Error or Critical line means an exception escaped the hub or the connection.</summary>
    private static void AssertNoUnhandledErrorLogged(RunningServer server)
    {
        var errors = server.Logs.Where(line => line.StartsWith("Error:", StringComparison.Ordinal) || line.StartsWith("Critical:", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, $"{errors.Count} errors logged, the first:\n{errors.FirstOrDefault()}");
    }

    private static string NewPasscode() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
}
