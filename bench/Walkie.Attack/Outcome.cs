using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;

namespace Walkie.Attack;

/// <summary>
/// What became of one call, as a short name to count: "ok", the server's error code, or how the connection failed.
/// The tool measures whatever the server does, so no answer is treated as unexpected.
/// </summary>
internal static partial class Outcome
{
    public const string Ok = "ok";
    public const string Closed = "connection closed";
    public const string NoAnswer = "no answer in time";

    public static async Task<string> Of(Task call, CancellationToken ct)
    {
        try
        {
            await call;
            return Ok;
        }
        catch (Exception e)
        {
            return Classify(e, ct);
        }
    }

    public static async Task<(string Outcome, T? Result)> OfResult<T>(Task<T> call, CancellationToken ct)
    {
        try
        {
            return (Ok, await call);
        }
        catch (Exception e)
        {
            return (Classify(e, ct), default);
        }
    }

    public static string Classify(Exception e, CancellationToken ct) => e switch
    {
        // docs/PROTOCOL.md: the code is the text after "HubException: " up to the next ": ".
        HubException h => CodePattern().Match(h.Message) is { Success: true } m ? m.Groups[1].Value : "server error without a code",
        Refused r => r.Message,
        OperationCanceledException when ct.IsCancellationRequested => NoAnswer,
        // The .NET client cancels pending invocations when the connection closes.
        OperationCanceledException or InvalidOperationException or IOException or WebSocketException or ObjectDisposedException => Closed,
        SocketException s => $"socket {s.SocketErrorCode}",
        HttpRequestException { InnerException: SocketException s } => $"socket {s.SocketErrorCode}",
        HttpRequestException h => $"http {h.HttpRequestError}",
        _ => e.GetType().Name,
    };

    [GeneratedRegex("HubException: ([a-z-]+): ")]
    private static partial Regex CodePattern();
}

/// <summary>The server turned a raw connection away: "HTTP 429", "handshake: ...", "closed by server".</summary>
internal sealed class Refused(string reason) : Exception(reason);
