using System.Text.Json;
using System.Text.Json.Nodes;

namespace Walkie.Server.Media.Janus;

/// <summary>
/// Walkie's requests to Janus's Streaming plugin, where every listener of a large channel watches one mountpoint
/// that the floor holder's audio is forwarded into, over one handle. A listener's handle is its PeerConnection.
/// </summary>
internal sealed class StreamingHandle(JanusHandle handle)
{
    public const string Plugin = "janus.plugin.streaming";

    /// <summary>The payload type of Opus on the mountpoint, so also what forwarders into it must send.</summary>
    public const int OpusPayloadType = 111;

    /// <summary>The mid of the mountpoint's one audio stream in the offers listeners get.</summary>
    public const string AudioMid = "audio";

    /// <summary>Where mountpoints listen, so that no one outside the Janus machine can inject audio.</summary>
    public const string ListenAddress = "127.0.0.1";

    public JanusHandle Handle => handle;

    public static async Task<StreamingHandle> AttachAsync(JanusSession session, CancellationToken cancellation = default) =>
        new(await session.AttachAsync(Plugin, cancellation));

    /// <summary>
    /// An RTP mountpoint with one Opus stream, listening on <see cref="ListenAddress"/>. Returns the port it listens on.
    /// </summary>
    /// <param name="port">The UDP port; 0 lets Janus pick a free one from the plugin's rtp_port_range.</param>
    public async Task<int> CreateMountpointAsync(ulong id, string secret, int port = 0, CancellationToken cancellation = default)
    {
        var audio = new JsonObject
        {
            ["type"] = "audio",
            ["mid"] = AudioMid,
            ["port"] = port,
            ["pt"] = OpusPayloadType,
            // Janus derives the rtpmap (opus/48000/2) from the codec name; "rtpmap" itself is deprecated in 1.1.
            ["codec"] = "opus",
            ["iface"] = ListenAddress,
        };
        var body = new JsonObject
        {
            ["request"] = "create",
            ["type"] = "rtp",
            ["id"] = id,
            ["secret"] = secret,
            ["is_private"] = true,
            ["permanent"] = false,
            ["media"] = new JsonArray(audio),
        };
        if (handle.Client.Options.AdminKey.Length > 0)
        {
            body["admin_key"] = handle.Client.Options.AdminKey;
        }
        var reply = await handle.MessageAsync(body, cancellation: cancellation);
        Expect(reply, "created", "create");
        if (reply.Data.TryGetProperty("stream", out var stream) && stream.TryGetProperty("ports", out var ports) && ports.ValueKind == JsonValueKind.Array)
        {
            foreach (var bound in ports.EnumerateArray())
            {
                if (JanusClient.Str(bound, "type") == "audio" && JanusClient.Int(bound, "port") is > 0 and var listening)
                {
                    return listening;
                }
            }
        }
        throw new JanusProtocolException($"Janus created mountpoint {id} without saying which port it listens on");
    }

    /// <summary>Destroys a mountpoint. Janus leaves its watchers' PeerConnections in place, with nothing more to play.</summary>
    public async Task DestroyMountpointAsync(ulong id, string secret, CancellationToken cancellation = default)
    {
        var body = new JsonObject { ["request"] = "destroy", ["id"] = id, ["secret"] = secret, ["permanent"] = false };
        Expect(await handle.MessageAsync(body, cancellation: cancellation), "destroyed", "destroy");
    }

    /// <summary>Asks to watch a mountpoint on this handle; returns Janus's offer for the listener's browser.</summary>
    public async Task<Jsep> WatchAsync(ulong id, CancellationToken cancellation = default)
    {
        var reply = await handle.MessageAsync(new JsonObject { ["request"] = "watch", ["id"] = id }, cancellation: cancellation);
        ExpectStatus(reply, "watch", "preparing");
        return reply.Jsep is { Type: "offer" } offer ? offer : throw new JanusProtocolException("Janus answered watch without an SDP offer");
    }

    /// <summary>Completes a watch with the listener's answer; media flows once the PeerConnection is up.</summary>
    public async Task StartAsync(Jsep answer, CancellationToken cancellation = default)
    {
        var reply = await handle.MessageAsync(new JsonObject { ["request"] = "start" }, answer, cancellation);
        ExpectStatus(reply, "start", "starting", "started");
    }

    private static void Expect(PluginReply reply, string answer, string request)
    {
        if (JanusClient.Str(reply.Data, "streaming") != answer)
        {
            throw new JanusProtocolException($"Janus answered {request} with {JanusClient.Str(reply.Data, "streaming") ?? "nothing"}, not {answer}");
        }
    }

    private static void ExpectStatus(PluginReply reply, string request, params string[] statuses)
    {
        var status = reply.Data.TryGetProperty("result", out var result) ? JanusClient.Str(result, "status") : null;
        if (status is null || !statuses.Contains(status))
        {
            throw new JanusProtocolException($"Janus answered {request} with status {status ?? "none"}, not {string.Join(" or ", statuses)}");
        }
    }
}
