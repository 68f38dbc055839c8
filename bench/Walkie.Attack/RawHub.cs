using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;

namespace Walkie.Attack;

/// <summary>
/// A hand-made SignalR JSON client on one raw socket. It reads only when told to, so it can play a client that stops
/// reading, and it costs one socket and no background work, so thousands fit in one process. No negotiation: it
/// upgrades /hubs/channel directly, as browsers and the .NET client with SkipNegotiation do.
/// </summary>
internal sealed class RawHub : IDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly Socket _socket;
    private readonly WebSocket _ws;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly Queue<string> _records = new();
    private string _partial = "";
    private int _nextInvocation;

    private RawHub(Socket socket, WebSocket ws)
    {
        _socket = socket;
        _ws = ws;
    }

    /// <param name="receiveBufferBytes">Set before connecting, so the kernel advertises a small window from the start.</param>
    /// <param name="source">A loopback source address other than 127.0.0.1, to look like a second user.</param>
    public static async Task<RawHub> Connect(IPEndPoint server, CancellationToken ct,
        int receiveBufferBytes = 0, IPAddress? source = null, string? origin = null)
    {
        // Linger 0 closes with a reset: thousands of closed connections leave no TIME_WAIT ports behind.
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, LingerState = new LingerOption(true, 0) };
        try
        {
            if (receiveBufferBytes > 0)
            {
                socket.ReceiveBufferSize = receiveBufferBytes;
            }
            if (source is not null)
            {
                socket.Bind(new IPEndPoint(source, 0));
            }
            await socket.ConnectAsync(server, ct);
            var stream = new NetworkStream(socket, ownsSocket: false);
            await Upgrade(stream, server, origin, ct);
            var ws = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
            var hub = new RawHub(socket, ws);
            await hub.Send("""{"protocol":"json","version":1}""", ct);
            var answer = await hub.Receive(ct);
            return answer == "{}" ? hub : throw new Refused($"handshake answered {answer}");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task Upgrade(NetworkStream stream, IPEndPoint server, string? origin, CancellationToken ct)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET /hubs/channel HTTP/1.1\r\nHost: {server}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                      $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n" +
                      (origin is null ? "" : $"Origin: {origin}\r\n") + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), ct);

        // The server says nothing after its 101 until our handshake, so every byte read here is the response head.
        var head = new byte[8192];
        var length = 0;
        while (Encoding.ASCII.GetString(head, 0, length) is var text && !text.Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = length < head.Length ? await stream.ReadAsync(head.AsMemory(length), ct) : 0;
            if (read == 0)
            {
                throw new Refused(length == 0 ? "closed before upgrading" : $"HTTP {Status(text)}, closed");
            }
            length += read;
        }
        var status = Status(Encoding.ASCII.GetString(head, 0, length));
        if (status != "101")
        {
            throw new Refused($"HTTP {status}");
        }
    }

    private static string Status(string head) => head.Split(' ', 3) is [_, var code, ..] ? code : "?";

    public Task Ping(CancellationToken ct) => Send("""{"type":6}""", ct);

    /// <summary>Calls a hub method and reads until its completion, skipping pings and events.</summary>
    public async Task<JsonElement> Invoke(string target, object argument, CancellationToken ct)
    {
        var id = (++_nextInvocation).ToString(CultureInfo.InvariantCulture);
        await Send(JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments = new[] { argument } }), ct);
        while (true)
        {
            using var message = JsonDocument.Parse(await Receive(ct));
            var root = message.RootElement;
            var type = root.GetProperty("type").GetInt32();
            if (type == 3 && root.GetProperty("invocationId").GetString() == id)
            {
                return root.TryGetProperty("error", out var error) ? throw new HubException(error.GetString())
                    : root.TryGetProperty("result", out var result) ? result.Clone() : default;
            }
            if (type == 7)
            {
                throw new Refused("closed by server" + (root.TryGetProperty("error", out var why) ? $": {why.GetString()}" : ""));
            }
        }
    }

    public async Task Send(string json, CancellationToken ct)
    {
        // A WebSocket takes one send at a time, and a pinger may share this connection.
        await _sending.WaitAsync(ct);
        try
        {
            await _ws.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, true, ct);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>The next SignalR message (one record, without its separator).</summary>
    public async Task<string> Receive(CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (_records.Count == 0)
            {
                var result = await _ws.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new Refused("closed by server");
                }
                var pieces = (_partial + Encoding.UTF8.GetString(buffer, 0, result.Count)).Split(RecordSeparator);
                foreach (var piece in pieces[..^1])
                {
                    _records.Enqueue(piece);
                }
                _partial = pieces[^1];
            }
            return _records.Dequeue();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Whether the server has closed this connection, or has started to by sending a close frame. Throws away what is
    /// unread, so use it only on a connection that has not been read since its handshake.
    /// </summary>
    public bool PeerClosed()
    {
        try
        {
            var unread = new List<byte>();
            var chunk = new byte[4096];
            for (var i = 0; i < 64 && _socket.Available > 0; i++)
            {
                unread.AddRange(chunk.AsSpan(0, _socket.Receive(chunk)));
            }
            // Readable with nothing to read means the end of the stream.
            return HasCloseFrame(unread) || (_socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    /// <summary>Walks server frames (unmasked: opcode in byte 0, then a 7-bit length, or 126 and 16 bits more).</summary>
    private static bool HasCloseFrame(List<byte> frames)
    {
        for (var i = 0; i + 1 < frames.Count;)
        {
            if ((frames[i] & 0x0f) == 8)
            {
                return true;
            }
            var (header, length) = (frames[i + 1] & 0x7f) switch
            {
                126 when i + 3 < frames.Count => (4, (frames[i + 2] << 8) | frames[i + 3]),
                >= 126 => (0, 0), // a long frame: not a ping, and not worth walking past
                var small => (2, small),
            };
            if (header == 0)
            {
                break;
            }
            i += header + length;
        }
        return false;
    }

    public void Dispose()
    {
        _ws.Dispose();
        _socket.Dispose();
        _sending.Dispose();
    }
}
