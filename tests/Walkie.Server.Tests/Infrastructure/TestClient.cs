using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Walkie.Server.Tests.Infrastructure;

/// <summary>A real SignalR client that records every server event, one queue per event name.</summary>
internal sealed class TestClient : IAsyncDisposable
{
    public static readonly string[] EventNames =
        ["ParticipantJoined", "ParticipantLeft", "ParticipantAway", "Signal", "FloorChanged", "FloorGranted", "FloorRevoked", "ServerClosing", "MediaChanged", "MediaInterrupted"];

    private readonly ConcurrentDictionary<string, Channel<JsonElement>> _events = new();

    private TestClient(HubConnection connection)
    {
        Connection = connection;
        foreach (var name in EventNames)
        {
            connection.On<JsonElement>(name, body => Queue(name).Writer.TryWrite(body));
        }
    }

    public HubConnection Connection { get; }

    public JsonElement Self { get; private set; }

    public string Id => Self.GetProperty("id").GetString()!;

    public string Name => Self.GetProperty("name").GetString()!;

    /// <summary>Pings as often as Walkie asks clients to, so the server's client timeout never drops a live test client.</summary>
    public static async Task<TestClient> ConnectAsync(Uri hubUrl, TimeSpan keepAlive)
    {
        // As the browser client does: one WebSocket, no negotiate request first, so a load balancer needs no sticky
        // sessions. The certificate check is off only for the test proxy's own throwaway certificate on loopback.
        var connection = new HubConnectionBuilder().WithUrl(hubUrl, o =>
        {
            o.SkipNegotiation = true;
            o.Transports = HttpTransportType.WebSockets;
            if (hubUrl.Scheme == "https" && hubUrl.IsLoopback)
            {
                o.WebSocketConfiguration = ws => ws.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            }
        }).Build();
        connection.KeepAliveInterval = keepAlive;
        var client = new TestClient(connection);
        await connection.StartAsync().WaitAsync(RunningServer.Timeout);
        return client;
    }

    public async Task<JsonElement> JoinAsync(string channel, string name, string? passcode = null, string? resume = null)
    {
        var result = await InvokeAsync("Join", new { channel, name, passcode, resume });
        Self = result.GetProperty("self");
        ResumeToken = result.GetProperty("resumeToken").GetString()!;
        return result;
    }

    public string ResumeToken { get; private set; } = "";

    public Task<JsonElement> InvokeAsync(string method, object? argument) =>
        Connection.InvokeAsync<JsonElement>(method, argument).WaitAsync(RunningServer.Timeout);

    public Task SendToHubAsync(string method, params object?[] arguments) =>
        Connection.InvokeCoreAsync(method, typeof(object), arguments).WaitAsync(RunningServer.Timeout);

    /// <summary>Invokes a method that must fail, and returns the code of its "code: message" error.</summary>
    public async Task<string> ErrorCodeOf(string method, params object?[] arguments)
    {
        var error = await Assert.ThrowsAsync<HubException>(() => SendToHubAsync(method, arguments));
        return WireError.Parse(error.Message).Code;
    }

    public async Task<JsonElement> NextAsync(string eventName, TimeSpan? timeout = null) =>
        await Queue(eventName).Reader.ReadAsync().AsTask().WaitAsync(timeout ?? RunningServer.Timeout);

    /// <summary>Skips events of this name until one matches, e.g. the FloorChanged that shows a given holder.</summary>
    public async Task<JsonElement> NextAsync(string eventName, Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? RunningServer.Timeout);
        while (true)
        {
            var body = await Queue(eventName).Reader.ReadAsync(cts.Token);
            if (match(body))
            {
                return body;
            }
        }
    }

    /// <summary>Events of this name received so far and not yet consumed.</summary>
    public List<JsonElement> Drain(string eventName)
    {
        var list = new List<JsonElement>();
        while (Queue(eventName).Reader.TryRead(out var body))
        {
            list.Add(body);
        }
        return list;
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

    private Channel<JsonElement> Queue(string name) => _events.GetOrAdd(name, _ => Channel.CreateUnbounded<JsonElement>());
}

internal static class JsonExtensions
{
    public static string? HolderId(this JsonElement floor) =>
        floor.GetProperty("holder").ValueKind == JsonValueKind.Null ? null : floor.GetProperty("holder").GetProperty("id").GetString();

    public static string Str(this JsonElement e, string property) => e.GetProperty(property).GetString()!;
}

/// <summary>SignalR puts its own sentence before a HubException's message on the wire; the code follows "HubException: ".</summary>
internal static partial class WireError
{
    [System.Text.RegularExpressions.GeneratedRegex(@"HubException: ([a-z-]+): (.+)$")]
    private static partial System.Text.RegularExpressions.Regex Pattern();

    public static (string Code, string Message) Parse(string wireMessage)
    {
        var match = Pattern().Match(wireMessage);
        Assert.True(match.Success, $"error without a code and a message: {wireMessage}");
        return (match.Groups[1].Value, match.Groups[2].Value);
    }
}
