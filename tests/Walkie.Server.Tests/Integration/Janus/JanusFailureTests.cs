using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Walkie.Server.Media.Janus;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration.Janus;

/// <summary>Janus down, dead, frozen or restarted: the client fails fast and clearly, and connects again afterwards.</summary>
public class JanusFailureTests : IAsyncLifetime
{
    // Far longer than any failure here may take, so that failing fast is told apart from timing out.
    private static readonly TimeSpan SlowTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Fast = TimeSpan.FromSeconds(2);
    private JanusServer _janus = null!;

    public async Task InitializeAsync() => _janus = await JanusServer.StartAsync();

    public async Task DisposeAsync() => await _janus.DisposeAsync();

    [Fact]
    public async Task ConnectingFailsFastWhenJanusIsNotRunning()
    {
        _janus.Kill();
        var clock = Stopwatch.StartNew();
        var down = await Assert.ThrowsAsync<JanusUnavailableException>(
            () => JanusTesting.ConnectAsync(_janus.Options(requestTimeout: SlowTimeout)));
        Assert.True(clock.Elapsed < Fast, $"took {clock.Elapsed}");
        Assert.Contains(_janus.Url.ToString(), down.Message);
    }

    [Fact]
    public async Task ConnectingToSomethingThatIsNotJanusFails()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        // Accepts the TCP connection and never answers the WebSocket handshake.
        var options = _janus.Options(requestTimeout: TimeSpan.FromMilliseconds(500)) with { JanusUrl = $"ws://127.0.0.1:{port}" };
        var silent = await Assert.ThrowsAsync<JanusUnavailableException>(() => JanusTesting.ConnectAsync(options));
        Assert.Contains("no answer within", silent.Message);
    }

    [Fact]
    public async Task WhenJanusDiesPendingAndLaterRequestsFailFastAndClosedCompletes()
    {
        await using var client = await JanusTesting.ConnectAsync(_janus.Options(requestTimeout: SlowTimeout));
        var session = await client.CreateSessionAsync();

        await _janus.FreezeAsync();
        var pending = session.AttachAsync(VideoRoomHandle.Plugin);
        await Task.Delay(100);
        Assert.False(pending.IsCompleted);
        var clock = Stopwatch.StartNew();
        _janus.Kill();

        var lost = await Assert.ThrowsAsync<JanusUnavailableException>(() => pending.WaitAsync(RunningServer.Timeout));
        await client.Closed.WaitAsync(RunningServer.Timeout);
        Assert.True(clock.Elapsed < Fast, $"took {clock.Elapsed}");
        Assert.Contains("attach", lost.Message);
        Assert.True(client.IsClosed);
        Assert.NotNull(client.CloseReason);

        clock.Restart();
        var later = await Assert.ThrowsAsync<JanusUnavailableException>(() => session.AttachAsync(StreamingHandle.Plugin));
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(100), $"took {clock.Elapsed}");
        Assert.Contains("unavailable", later.Message);
        await Assert.ThrowsAsync<JanusUnavailableException>(() => client.CreateSessionAsync());

        // The event stream ends too, so a reader learns of the drop as well.
        Assert.Empty(await client.Events.ReadAllAsync().ToListAsync().AsTask().WaitAsync(RunningServer.Timeout));
    }

    [Fact]
    public async Task AfterARestartANewClientConnectsToAJanusThatRemembersNothing()
    {
        const string secret = "room-secret-0123456789";
        var room = JanusTesting.NewId();
        await using var before = await JanusTesting.ConnectAsync(_janus.Options());
        var oldSession = await before.CreateSessionAsync();
        await (await VideoRoomHandle.AttachAsync(oldSession)).CreateRoomAsync(room, secret, 10);

        await _janus.RestartAsync();
        await before.Closed.WaitAsync(RunningServer.Timeout);

        await using var after = await JanusTesting.ConnectAsync(_janus.Options());
        var forgotten = await Assert.ThrowsAsync<JanusErrorException>(() => after.RequestAsync(
            new JsonObject { ["janus"] = "attach", ["session_id"] = oldSession.Id, ["plugin"] = VideoRoomHandle.Plugin },
            ackIsFinal: false,
            CancellationToken.None));
        Assert.Equal(JanusErrorCodes.SessionNotFound, forgotten.Code);
        await using var session = await after.CreateSessionAsync();
        // The room went with the old process: the same id is free again.
        await (await VideoRoomHandle.AttachAsync(session)).CreateRoomAsync(room, secret, 10);
    }

    [Fact]
    public async Task WhenTheConnectionDropsJanusEndsItsSessionsButKeepsItsRooms()
    {
        const string secret = "room-secret-0123456789";
        var room = JanusTesting.NewId();
        var first = await JanusTesting.ConnectAsync(_janus.Options());
        var oldSession = await first.CreateSessionAsync();
        await (await VideoRoomHandle.AttachAsync(oldSession)).CreateRoomAsync(room, secret, 10);
        await first.DisposeAsync();
        Assert.True(first.Closed.IsCompleted);

        await using var second = await JanusTesting.ConnectAsync(_janus.Options());
        await using var session = await second.CreateSessionAsync();
        var rooms = await VideoRoomHandle.AttachAsync(session);
        var exists = await Assert.ThrowsAsync<JanusErrorException>(() => rooms.CreateRoomAsync(room, secret, 10));
        Assert.Equal(JanusErrorCodes.VideoRoomRoomExists, exists.Code);
        await rooms.DestroyRoomAsync(room, secret);

        await Eventually.Holds(async () =>
        {
            try
            {
                await second.RequestAsync(new JsonObject { ["janus"] = "keepalive", ["session_id"] = oldSession.Id }, ackIsFinal: true, CancellationToken.None);
                return false;
            }
            catch (JanusErrorException e) when (e.Code == JanusErrorCodes.SessionNotFound)
            {
                return true;
            }
        }, "Janus to end the dropped connection's session");
    }

    [Fact]
    public async Task AFrozenJanusTimesOutAndItsLateAnswerDoesNotConfuseTheNextRequest()
    {
        var timeout = TimeSpan.FromMilliseconds(500);
        await using var client = await JanusTesting.ConnectAsync(_janus.Options(requestTimeout: timeout));
        await using var session = await client.CreateSessionAsync();

        await _janus.FreezeAsync();
        var clock = Stopwatch.StartNew();
        var slow = await Assert.ThrowsAsync<JanusTimeoutException>(() => session.AttachAsync(VideoRoomHandle.Plugin));
        Assert.InRange(clock.Elapsed, timeout - TimeSpan.FromMilliseconds(50), timeout + Fast);
        Assert.Contains("attach", slow.Message);
        await _janus.ThawAsync();

        var handle = await session.AttachAsync(StreamingHandle.Plugin);
        Assert.Equal(StreamingHandle.Plugin, handle.Plugin);
        Assert.False(client.IsClosed);
    }
}
