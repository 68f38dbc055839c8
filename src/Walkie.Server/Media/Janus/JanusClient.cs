using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Walkie.Server.Media.Janus;

/// <summary>
/// One WebSocket connection to Janus's API: requests matched to their answers by transaction, Janus's own events out,
/// and the news when the connection drops. Knows nothing of channels or SignalR.
/// </summary>
internal sealed partial class JanusClient : IAsyncDisposable
{
    public const string SubProtocol = "janus-protocol";

    // Janus's answers are small and an SDP is a few KiB; a message far bigger than that is not Janus making sense.
    private const int MaxMessageBytes = 1024 * 1024;

    // Events nobody reads must not grow without bound; the oldest go first, with a warning.
    private const int EventBacklog = 1024;

    private readonly ClientWebSocket _socket;
    private readonly Uri _url;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Pending> _pending = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Channel<JanusEvent> _events;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _receiving = Task.CompletedTask;
    private long _lastTransaction;
    private string? _closeReason;
    private int _disposed;

    private JanusClient(ClientWebSocket socket, Uri url, SfuOptions options, TimeProvider time, ILogger logger)
    {
        _socket = socket;
        _url = url;
        Options = options;
        Time = time;
        _logger = logger;
        _events = Channel.CreateBounded<JanusEvent>(
            new BoundedChannelOptions(EventBacklog) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true },
            dropped => LogEventDropped(_logger, dropped.GetType().Name, dropped.SessionId, dropped.HandleId));
    }

    public SfuOptions Options { get; }

    public TimeProvider Time { get; }

    /// <summary>What Janus reports on its own (webrtcup, hangup, plugin events...). Completes when the connection is gone.</summary>
    public ChannelReader<JanusEvent> Events => _events.Reader;

    /// <summary>
    /// Completes once the connection is gone, whoever ended it. Every request still waiting has failed by then, and
    /// every later one fails at once: the caller reconnects and rebuilds what it had (Janus forgets a dropped
    /// connection's sessions at once, and forgets everything when it restarts).
    /// </summary>
    public Task Closed => _closed.Task;

    /// <summary>Why the connection ended; null while it is open.</summary>
    public string? CloseReason => Volatile.Read(ref _closeReason);

    public bool IsClosed => CloseReason is not null;

    /// <summary>Opens the WebSocket to Janus. Fails with <see cref="JanusUnavailableException"/> when nothing answers in time.</summary>
    public static async Task<JanusClient> ConnectAsync(SfuOptions options, TimeProvider time, ILogger logger, CancellationToken cancellation = default)
    {
        var url = new Uri(options.JanusUrl);
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(SubProtocol);
        using var timeout = new CancellationTokenSource(options.RequestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, timeout.Token);
        try
        {
            await socket.ConnectAsync(url, linked.Token);
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            socket.Dispose();
            var why = timeout.IsCancellationRequested ? $"no answer within {options.RequestTimeout.TotalSeconds:0.###} s" : e.Message;
            throw new JanusUnavailableException($"Could not connect to Janus at {url}: {why}", e);
        }
        if (socket.SubProtocol != SubProtocol)
        {
            socket.Abort();
            socket.Dispose();
            throw new JanusUnavailableException($"{url} accepted the WebSocket but not the {SubProtocol} subprotocol: is it Janus?");
        }

        var client = new JanusClient(socket, url, options, time, logger);
        client._receiving = Task.Run(client.ReceiveAsync, CancellationToken.None);
        LogConnected(logger, url);
        return client;
    }

    /// <summary>A new Janus session, kept alive until it is destroyed or the connection drops.</summary>
    public async Task<JanusSession> CreateSessionAsync(CancellationToken cancellation = default)
    {
        var reply = await RequestAsync(new JsonObject { ["janus"] = "create" }, ackIsFinal: false, cancellation);
        var id = IdOf(reply, "create");
        LogSessionCreated(_logger, id);
        return new JanusSession(this, id, _logger);
    }

    /// <summary>
    /// Sends one request and waits, at most RequestTimeout, for its answer: "success", or "ack" when that is all the
    /// request gets (keepalive, trickle). A plugin handling a message later acknowledges it first and answers with an
    /// "event" carrying the same transaction, so for those the ack is passed over.
    /// </summary>
    internal async Task<JsonElement> RequestAsync(JsonObject request, bool ackIsFinal, CancellationToken cancellation)
    {
        var name = Describe(request);
        ThrowIfClosed(name);
        var transaction = Interlocked.Increment(ref _lastTransaction).ToString(CultureInfo.InvariantCulture);
        request["transaction"] = transaction;
        if (Options.ApiSecret.Length > 0)
        {
            request["apisecret"] = Options.ApiSecret;
        }

        var pending = new Pending(name, ackIsFinal, new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously));
        _pending[transaction] = pending;
        using var timeout = new CancellationTokenSource(Options.RequestTimeout, Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, timeout.Token);
        try
        {
            // Again, now that it is registered: a close in between has either failed it already or is seen here.
            ThrowIfClosed(name);
            await SendAsync(JsonSerializer.SerializeToUtf8Bytes(request), linked.Token);
            LogSent(_logger, name, transaction);
            if (request["jsep"] is JsonObject jsep)
            {
                LogSdp(_logger, name, (string?)jsep["type"], ((string?)jsep["sdp"])?.Length ?? 0);
            }
            var reply = await pending.Reply.Task.WaitAsync(linked.Token);
            if (Str(reply, "janus") == "error")
            {
                var error = reply.TryGetProperty("error", out var e) ? e : default;
                throw new JanusErrorException(name, Int(error, "code"), Str(error, "reason") ?? "", plugin: null);
            }
            return reply;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellation.IsCancellationRequested)
        {
            throw new JanusTimeoutException(name, Options.RequestTimeout);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
        {
            throw new JanusUnavailableException($"Could not send {name} to Janus at {_url}: {e.Message}", e);
        }
        finally
        {
            _pending.TryRemove(transaction, out _);
        }
    }

    private async Task SendAsync(byte[] frame, CancellationToken cancellation)
    {
        // A ClientWebSocket takes one send at a time.
        await _sendLock.WaitAsync(cancellation);
        try
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellation);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[16 * 1024];
        var message = new ArrayBufferWriter<byte>();
        string reason;
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    reason = $"Janus closed the connection ({_socket.CloseStatus} {_socket.CloseStatusDescription})";
                    break;
                }
                if (message.WrittenCount + result.Count > MaxMessageBytes)
                {
                    reason = $"Janus sent a message over {MaxMessageBytes} bytes";
                    break;
                }
                message.Write(buffer.AsSpan(0, result.Count));
                if (!result.EndOfMessage)
                {
                    continue;
                }
                if (!Dispatch(message.WrittenMemory))
                {
                    reason = "Janus sent something that is not a Janus API message";
                    break;
                }
                message.ResetWrittenCount();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            reason = "closed by Walkie";
        }
        catch (Exception e)
        {
            reason = $"connection lost: {e.Message}";
        }
        Close(reason, expected: _stop.IsCancellationRequested);
    }

    private bool Dispatch(ReadOnlyMemory<byte> frame)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(frame);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return false;
        }
        if (root.ValueKind != JsonValueKind.Object || Str(root, "janus") is not { } kind)
        {
            return false;
        }

        if (Str(root, "transaction") is { } transaction && _pending.TryGetValue(transaction, out var pending))
        {
            if (kind == "ack" && !pending.AckIsFinal)
            {
                return true;
            }
            if (ReadJsep(root) is { } jsep)
            {
                LogSdp(_logger, pending.Request, jsep.Type, jsep.Sdp.Length);
            }
            pending.Reply.TrySetResult(root);
            return true;
        }

        if (ToEvent(kind, root) is { } janusEvent)
        {
            LogEvent(_logger, janusEvent.GetType().Name, janusEvent.SessionId, janusEvent.HandleId);
            _events.Writer.TryWrite(janusEvent);
        }
        else
        {
            // Trickles (Janus sends none with full_trickle off) and answers nobody waits for any more.
            LogIgnored(_logger, kind);
        }
        return true;
    }

    private static JanusEvent? ToEvent(string kind, JsonElement root)
    {
        var session = U64(root, "session_id");
        var handle = U64(root, "sender");
        return kind switch
        {
            "webrtcup" => new WebRtcUpEvent(session, handle),
            "media" => new MediaEvent(session, handle, Str(root, "type") ?? "", Str(root, "mid"), Bool(root, "receiving")),
            "hangup" => new HangupEvent(session, handle, Str(root, "reason")),
            "detached" => new DetachedEvent(session, handle),
            "slowlink" => new SlowLinkEvent(session, handle, Str(root, "media") ?? "", Bool(root, "uplink"), Int(root, "lost")),
            "timeout" => new SessionTimeoutEvent(session),
            "event" when root.TryGetProperty("plugindata", out var plugin) && plugin.TryGetProperty("data", out var data) =>
                new PluginEvent(session, handle, Str(plugin, "plugin") ?? "", data, ReadJsep(root)),
            _ => null,
        };
    }

    private void Close(string reason, bool expected)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is not null)
        {
            return;
        }
        foreach (var pending in _pending.Values)
        {
            pending.Reply.TrySetException(Unavailable(pending.Request));
        }
        _events.Writer.TryComplete();
        if (expected)
        {
            LogClosed(_logger, _url);
        }
        else
        {
            LogLost(_logger, _url, reason);
        }
        _closed.TrySetResult();
    }

    private void ThrowIfClosed(string request)
    {
        if (IsClosed)
        {
            throw Unavailable(request);
        }
    }

    private JanusUnavailableException Unavailable(string request) =>
        new($"Janus at {_url} is unavailable, so {request} failed: {CloseReason}");

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _stop.CancelAsync();
        await _receiving;
        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }

    internal static Jsep? ReadJsep(JsonElement root) =>
        root.TryGetProperty("jsep", out var jsep) && Str(jsep, "type") is { } type && Str(jsep, "sdp") is { } sdp ? new Jsep(type, sdp) : null;

    internal static ulong IdOf(JsonElement reply, string request) =>
        reply.TryGetProperty("data", out var data) && data.TryGetProperty("id", out var id) && id.TryGetUInt64(out var value)
            ? value
            : throw new JanusProtocolException($"Janus answered {request} without an id");

    internal static string? Str(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    internal static int Int(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.TryGetInt32(out var number) ? number : 0;

    internal static ulong U64(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.TryGetUInt64(out var number) ? number : 0;

    private static bool Bool(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.True;

    // Names a request in errors and logs without its keys and secrets: "attach", or "message create" for a plugin request.
    private static string Describe(JsonObject request)
    {
        var janus = (string?)request["janus"] ?? "?";
        return request["body"] is JsonObject body && (string?)body["request"] is { } inner ? $"{janus} {inner}" : janus;
    }

    private sealed record Pending(string Request, bool AckIsFinal, TaskCompletionSource<JsonElement> Reply);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to Janus at {Url}")]
    private static partial void LogConnected(ILogger logger, Uri url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed the connection to Janus at {Url}")]
    private static partial void LogClosed(ILogger logger, Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the connection to Janus at {Url}: {Reason}")]
    private static partial void LogLost(ILogger logger, Uri url, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Janus session {Session} created")]
    private static partial void LogSessionCreated(ILogger logger, ulong session);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Janus {Request} sent as transaction {Transaction}")]
    private static partial void LogSent(ILogger logger, string request, string transaction);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Janus {Request} carries an SDP {Type} of {Length} chars")]
    private static partial void LogSdp(ILogger logger, string request, string? type, int length);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Janus event {Kind} for session {Session}, handle {Handle}")]
    private static partial void LogEvent(ILogger logger, string kind, ulong session, ulong handle);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored a Janus {Kind} that nothing waits for")]
    private static partial void LogIgnored(ILogger logger, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped Janus event {Kind} for session {Session}, handle {Handle}: nobody reads the events")]
    private static partial void LogEventDropped(ILogger logger, string kind, ulong session, ulong handle);
}
