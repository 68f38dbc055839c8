using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Walkie.Server.Tests.Infrastructure;

/// <summary>
/// A hand-driven SignalR JSON client over a raw socket, for what the official client will not do: bind to
/// another loopback address, keep its receive window tiny, skip the handshake, never ping, or stop reading.
/// </summary>
internal sealed class RawHubClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly Socket _socket;
    private readonly WebSocket _ws;
    private readonly StringBuilder _pending = new();
    private int _invocations;

    private RawHubClient(Socket socket, WebSocket ws)
    {
        _socket = socket;
        _ws = ws;
    }

    public WebSocketState State => _ws.State;

    /// <summary>Opens the WebSocket, or returns the HTTP status the server refused it with.</summary>
    /// <param name="headers">Extra request header lines, such as a forwarded-for header a proxy would add.</param>
    public static async Task<(RawHubClient? Client, int Status)> OpenAsync(
        Uri hubUrl, IPAddress? from = null, int? receiveBuffer = null, string? origin = null, params string[] headers)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (receiveBuffer is { } size)
        {
            socket.ReceiveBufferSize = size;
        }
        socket.Bind(new IPEndPoint(from ?? IPAddress.Loopback, 0));
        await socket.ConnectAsync(hubUrl.Host, hubUrl.Port).WaitAsync(RunningServer.Timeout);
        var stream = new NetworkStream(socket, ownsSocket: false);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET {hubUrl.AbsolutePath} HTTP/1.1\r\nHost: {hubUrl.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n" + (origin is null ? "" : $"Origin: {origin}\r\n") + string.Concat(headers.Select(h => h + "\r\n")) + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request)).AsTask().WaitAsync(RunningServer.Timeout);
        var head = await ReadHeadAsync(stream).WaitAsync(RunningServer.Timeout);
        var status = int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        if (status != 101)
        {
            socket.Dispose();
            return (null, status);
        }
        var ws = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        return (new RawHubClient(socket, ws), status);
    }

    public static async Task<RawHubClient> ConnectAsync(Uri hubUrl, IPAddress? from = null, int? receiveBuffer = null, params string[] headers)
    {
        var (client, status) = await OpenAsync(hubUrl, from, receiveBuffer, null, headers);
        Assert.True(client is not null, $"the server refused the WebSocket with HTTP {status}");
        await client.SendRawAsync("""{"protocol":"json","version":1}""");
        var handshake = await client.ReadAsync();
        Assert.Equal("{}", handshake);
        return client;
    }

    public Task PingAsync() => SendRawAsync("""{"type":6}""");

    /// <summary>Invokes a hub method and returns the completion: its "result", or throws with its "error".</summary>
    public async Task<JsonElement> InvokeAsync(string target, object argument)
    {
        var id = Interlocked.Increment(ref _invocations).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await SendRawAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments = new[] { argument } }));
        while (true)
        {
            using var message = JsonDocument.Parse(await ReadAsync());
            var root = message.RootElement;
            if (root.GetProperty("type").GetInt32() == 3 && root.GetProperty("invocationId").GetString() == id)
            {
                if (root.TryGetProperty("error", out var error))
                {
                    throw new InvalidOperationException(error.GetString());
                }
                return root.TryGetProperty("result", out var result) ? result.Clone() : default;
            }
        }
    }

    /// <summary>Sends without waiting for the completion, as a flooding client does.</summary>
    public Task SendInvocationAsync(string target, object argument) =>
        SendRawAsync(JsonSerializer.Serialize(new { type = 1, target, arguments = new[] { argument } }));

    public async Task SendRawAsync(string json) =>
        await _ws.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator).AsMemory(), WebSocketMessageType.Text, true, CancellationToken.None)
            .AsTask().WaitAsync(RunningServer.Timeout);

    /// <summary>The next SignalR message, without its record separator.</summary>
    public async Task<string> ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var text = _pending.ToString();
            var end = text.IndexOf(RecordSeparator, StringComparison.Ordinal);
            if (end >= 0)
            {
                _pending.Remove(0, end + 1);
                return text[..end];
            }
            var read = await _ws.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask().WaitAsync(RunningServer.Timeout);
            if (read.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException("closed by the server");
            }
            _pending.Append(Encoding.UTF8.GetString(buffer, 0, read.Count));
        }
    }

    /// <summary>True once the server closes the connection: a close frame, the end of the stream, or a reset.</summary>
    public async Task<bool> ClosedByServerAsync(TimeSpan within)
    {
        var buffer = new byte[64 * 1024];
        using var cts = new CancellationTokenSource(within);
        try
        {
            while (true)
            {
                var read = await _ws.ReceiveAsync(buffer.AsMemory(), cts.Token);
                if (read.MessageType == WebSocketMessageType.Close)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception e) when (e is WebSocketException or IOException or SocketException)
        {
            return true;
        }
    }

    public ValueTask DisposeAsync()
    {
        _ws.Dispose();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 8192 && !(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                break;
            }
            head.Add(one[0]);
        }
        return Encoding.ASCII.GetString([.. head]);
    }
}
