using System.Text.Json.Nodes;

namespace Walkie.Server.Media.Janus;

/// <summary>
/// A Janus session: the scope of plugin handles. Janus drops a session it hears nothing on for its session_timeout,
/// so this one sends a keepalive every KeepAliveInterval until it is destroyed or its connection drops.
/// </summary>
internal sealed partial class JanusSession : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly ITimer _keepAlive;
    private int _keepAliveBusy;
    private int _ended;

    internal JanusSession(JanusClient client, ulong id, ILogger logger)
    {
        Client = client;
        Id = id;
        _logger = logger;
        var interval = client.Options.KeepAliveInterval;
        _keepAlive = client.Time.CreateTimer(_ => _ = KeepAliveAsync(), null, interval, interval);
    }

    public JanusClient Client { get; }

    public ulong Id { get; }

    /// <summary>A new handle on this session, attached to a plugin such as janus.plugin.videoroom.</summary>
    public async Task<JanusHandle> AttachAsync(string plugin, CancellationToken cancellation = default)
    {
        var request = new JsonObject { ["janus"] = "attach", ["session_id"] = Id, ["plugin"] = plugin };
        var reply = await Client.RequestAsync(request, ackIsFinal: false, cancellation);
        return new JanusHandle(Client, Id, JanusClient.IdOf(reply, "attach"), plugin);
    }

    /// <summary>Ends the session and, with it, every handle on it. Rooms and mountpoints outlive it.</summary>
    public async Task DestroyAsync(CancellationToken cancellation = default)
    {
        StopKeepAlive();
        await Client.RequestAsync(new JsonObject { ["janus"] = "destroy", ["session_id"] = Id }, ackIsFinal: false, cancellation);
    }

    private async Task KeepAliveAsync()
    {
        // A keepalive still waiting for its answer is enough; timer ticks must not pile up behind a slow Janus.
        if (Interlocked.Exchange(ref _keepAliveBusy, 1) == 1)
        {
            return;
        }
        try
        {
            await Client.RequestAsync(new JsonObject { ["janus"] = "keepalive", ["session_id"] = Id }, ackIsFinal: true, CancellationToken.None);
        }
        catch (JanusUnavailableException)
        {
            // The client's Closed tells the owner; keepalives cannot help any more.
            StopKeepAlive();
        }
        catch (JanusErrorException e) when (e.Code == JanusErrorCodes.SessionNotFound)
        {
            StopKeepAlive();
            LogSessionGone(_logger, Id);
        }
        catch (JanusException e)
        {
            LogKeepAliveFailed(_logger, Id, e.Message);
        }
        finally
        {
            Volatile.Write(ref _keepAliveBusy, 0);
        }
    }

    private void StopKeepAlive()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _keepAlive.Dispose();
        }
    }

    /// <summary>Destroys the session if its connection still stands; a dropped connection already ended it in Janus.</summary>
    public async ValueTask DisposeAsync()
    {
        var wasRunning = Volatile.Read(ref _ended) == 0;
        StopKeepAlive();
        if (wasRunning && !Client.IsClosed)
        {
            try
            {
                await Client.RequestAsync(new JsonObject { ["janus"] = "destroy", ["session_id"] = Id }, ackIsFinal: false, CancellationToken.None);
            }
            catch (JanusException)
            {
                // Gone already, or Janus went away meanwhile: either way the session is over.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Janus no longer knows session {Session}; it timed out or Janus restarted")]
    private static partial void LogSessionGone(ILogger logger, ulong session);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Keepalive of Janus session {Session} failed: {Reason}")]
    private static partial void LogKeepAliveFailed(ILogger logger, ulong session, string reason);
}
