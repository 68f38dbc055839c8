using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Walkie.Server.Media;
using Walkie.Server.Media.Janus;

namespace Walkie.Server.Tests.Infrastructure;

/// <summary>What the Janus tests share: connecting, waiting for events, ids, and an SDP a browser might send.</summary>
internal static class JanusTesting
{
    public static Task<JanusClient> ConnectAsync(SfuOptions options, ILogger? logger = null) =>
        JanusClient.ConnectAsync(options, TimeProvider.System, logger ?? NullLogger.Instance).WaitAsync(RunningServer.Timeout);

    /// <summary>A room or mountpoint id no other test uses (Janus ids are at most 2^53).</summary>
    public static ulong NewId() => (ulong)Random.Shared.NextInt64(1, 1L << 53);

    /// <summary>The next event of a kind that matches, from the client's event stream; fails after the usual timeout.</summary>
    public static async Task<T> NextEventAsync<T>(this JanusClient client, Func<T, bool> match) where T : JanusEvent
    {
        using var timeout = new CancellationTokenSource(RunningServer.Timeout);
        try
        {
            await foreach (var janusEvent in client.Events.ReadAllAsync(timeout.Token))
            {
                if (janusEvent is T wanted && match(wanted))
                {
                    return wanted;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Assert.Fail($"no {typeof(T).Name} within {RunningServer.Timeout}");
        }
        Assert.Fail($"the events ended (connection closed: {client.CloseReason}) before a {typeof(T).Name}");
        return null!;
    }

    /// <summary>
    /// An audio-only offer shaped like a browser's (ICE credentials, DTLS fingerprint, one Opus m-line). No peer stands
    /// behind it, so ICE never completes, but Janus negotiates it like any other.
    /// </summary>
    public static Jsep BrowserOffer(string mid = "0", int opusPayloadType = 111) => Jsep.Offer(Sdp(
        "v=0",
        "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        $"a=group:BUNDLE {mid}",
        "a=msid-semantic: WMS walkie",
        $"m=audio 9 UDP/TLS/RTP/SAVPF {opusPayloadType}",
        "c=IN IP4 0.0.0.0",
        "a=rtcp:9 IN IP4 0.0.0.0",
        "a=ice-ufrag:wAlK",
        "a=ice-pwd:walkie0123456789abcdefgh",
        "a=ice-options:trickle",
        $"a=fingerprint:sha-256 {Fingerprint}",
        "a=setup:actpass",
        $"a=mid:{mid}",
        "a=sendonly",
        "a=msid:walkie talker",
        "a=rtcp-mux",
        $"a=rtpmap:{opusPayloadType} opus/48000/2",
        $"a=fmtp:{opusPayloadType} minptime=10;useinbandfec=1",
        "a=ssrc:1234567 cname:walkie"));

    /// <summary>A listener's answer to a Streaming offer: it receives the offer's one audio m-line.</summary>
    public static Jsep ListenerAnswer(Jsep offer)
    {
        var mid = SdpText.FirstMid(offer.Sdp, "audio") ?? throw new InvalidOperationException("the offer has no audio mid");
        return Jsep.Answer(Sdp(
            "v=0",
            "o=- 1822410001934417392 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            $"a=group:BUNDLE {mid}",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111",
            "c=IN IP4 0.0.0.0",
            "a=ice-ufrag:lIsT",
            "a=ice-pwd:listener0123456789abcdef",
            $"a=fingerprint:sha-256 {Fingerprint}",
            "a=setup:active",
            $"a=mid:{mid}",
            "a=recvonly",
            "a=rtcp-mux",
            "a=rtpmap:111 opus/48000/2"));
    }

    private static readonly string Fingerprint = string.Join(':', Enumerable.Range(0, 32).Select(i => (i * 7 % 256).ToString("X2")));

    private static string Sdp(params string[] lines) => string.Join("\r\n", lines) + "\r\n";
}

/// <summary>Every line logged, at every level, to check what reaches the logs.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly ConcurrentQueue<(LogLevel Level, string Text)> _lines = new();

    public IReadOnlyCollection<(LogLevel Level, string Text)> Lines => _lines;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var text = new StringBuilder(formatter(state, exception));
        if (exception is not null)
        {
            text.Append(' ').Append(exception);
        }
        _lines.Enqueue((logLevel, text.ToString()));
    }
}
