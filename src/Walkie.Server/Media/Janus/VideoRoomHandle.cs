using System.Text.Json;
using System.Text.Json.Nodes;

namespace Walkie.Server.Media.Janus;

/// <summary>
/// Walkie's requests to Janus's VideoRoom plugin, where talkers publish their audio, over one handle. The handle
/// that joins as a publisher is that talker's PeerConnection; any handle may create rooms and forward.
/// </summary>
internal sealed class VideoRoomHandle(JanusHandle handle)
{
    public const string Plugin = "janus.plugin.videoroom";

    public JanusHandle Handle => handle;

    public static async Task<VideoRoomHandle> AttachAsync(JanusSession session, CancellationToken cancellation = default) =>
        new(await session.AttachAsync(Plugin, cancellation));

    /// <summary>An audio-only room for one channel. Its secret guards destroying it and forwarding from it.</summary>
    /// <param name="publishers">
    /// How many may publish at once. Janus counts publishers with a live PeerConnection and refuses the next offer;
    /// its default is 3, far too few when every member of a large channel keeps a publisher ready.
    /// </param>
    public async Task CreateRoomAsync(ulong room, string secret, int publishers, CancellationToken cancellation = default)
    {
        var body = new JsonObject
        {
            ["request"] = "create",
            ["room"] = room,
            ["secret"] = secret,
            ["publishers"] = publishers,
            ["audiocodec"] = "opus",
            ["is_private"] = true,
            ["record"] = false,
            ["permanent"] = false,
        };
        var reply = await handle.MessageAsync(WithAdminKey(body), cancellation: cancellation);
        Expect(reply, "created", "create");
    }

    /// <summary>Destroys a room: Janus tells its participants and closes their PeerConnections.</summary>
    public async Task DestroyRoomAsync(ulong room, string secret, CancellationToken cancellation = default)
    {
        var body = new JsonObject { ["request"] = "destroy", ["room"] = room, ["secret"] = secret, ["permanent"] = false };
        Expect(await handle.MessageAsync(body, cancellation: cancellation), "destroyed", "destroy");
    }

    /// <summary>Joins this handle to a room as a publisher, not yet sending; returns its publisher id.</summary>
    /// <param name="id">The publisher id to use; Janus picks one when null.</param>
    public async Task<ulong> JoinAsPublisherAsync(ulong room, ulong? id = null, string? display = null, CancellationToken cancellation = default)
    {
        var body = new JsonObject { ["request"] = "join", ["ptype"] = "publisher", ["room"] = room };
        if (id is not null)
        {
            body["id"] = id;
        }
        if (display is not null)
        {
            body["display"] = display;
        }
        var reply = await handle.MessageAsync(body, cancellation: cancellation);
        Expect(reply, "joined", "join");
        return JanusClient.U64(reply.Data, "id") is > 0 and var publisher
            ? publisher
            : throw new JanusProtocolException("Janus answered join without a publisher id");
    }

    /// <summary>Starts publishing with the browser's offer; returns Janus's answer for the browser.</summary>
    public Task<Jsep> PublishAsync(Jsep offer, CancellationToken cancellation = default) => NegotiateAsync("publish", offer, cancellation);

    /// <summary>Renegotiates a publisher already publishing (e.g. an ICE restart) with a new offer.</summary>
    public Task<Jsep> ConfigureAsync(Jsep offer, CancellationToken cancellation = default) => NegotiateAsync("configure", offer, cancellation);

    private async Task<Jsep> NegotiateAsync(string request, Jsep offer, CancellationToken cancellation)
    {
        var reply = await handle.MessageAsync(new JsonObject { ["request"] = request }, offer, cancellation);
        if (JanusClient.Str(reply.Data, "configured") != "ok")
        {
            throw new JanusProtocolException($"Janus answered {request} without configuring the publisher");
        }
        return reply.Jsep is { Type: "answer" } answer ? answer : throw new JanusProtocolException($"Janus answered {request} without an SDP answer");
    }

    /// <summary>
    /// Forwards one publisher's audio stream as plain RTP to host:port (a Streaming mountpoint), and returns the
    /// forwarder's stream id for <see cref="StopForwardAsync"/>.
    /// </summary>
    /// <param name="mid">The mid of the publisher's audio m-line, from its offer.</param>
    /// <param name="payloadType">
    /// The payload type the packets leave with. Browsers choose their own for Opus (Firefox 109, Chrome 111); the
    /// mountpoint expects one.
    /// </param>
    public async Task<uint> ForwardAudioAsync(
        ulong room, string secret, ulong publisher, string mid, string host, int port, int payloadType, CancellationToken cancellation = default)
    {
        var body = new JsonObject
        {
            ["request"] = "rtp_forward",
            ["room"] = room,
            ["secret"] = secret,
            ["publisher_id"] = publisher,
            ["host"] = host,
            ["streams"] = new JsonArray(new JsonObject { ["mid"] = mid, ["port"] = port, ["pt"] = payloadType }),
        };
        var reply = await handle.MessageAsync(WithAdminKey(body), cancellation: cancellation);
        Expect(reply, "rtp_forward", "rtp_forward");
        // Janus skips a mid the publisher does not have, and says so only in its log: an empty list is that refusal.
        if (reply.Data.TryGetProperty("forwarders", out var forwarders) && forwarders.ValueKind == JsonValueKind.Array)
        {
            foreach (var forwarder in forwarders.EnumerateArray())
            {
                if (JanusClient.Str(forwarder, "type") == "audio" && JanusClient.U64(forwarder, "stream_id") is > 0 and <= uint.MaxValue and var stream)
                {
                    return (uint)stream;
                }
            }
        }
        throw new JanusProtocolException($"Janus forwarded nothing: publisher {publisher} in room {room} has no audio stream with mid {mid}");
    }

    /// <summary>Stops one forwarder.</summary>
    public async Task StopForwardAsync(ulong room, string secret, ulong publisher, uint stream, CancellationToken cancellation = default)
    {
        var body = new JsonObject
        {
            ["request"] = "stop_rtp_forward",
            ["room"] = room,
            ["secret"] = secret,
            ["publisher_id"] = publisher,
            ["stream_id"] = stream,
        };
        Expect(await handle.MessageAsync(WithAdminKey(body), cancellation: cancellation), "stop_rtp_forward", "stop_rtp_forward");
    }

    // Janus checks the key on create always, and on rtp_forward and stop_rtp_forward with lock_rtp_forward set.
    private JsonObject WithAdminKey(JsonObject body)
    {
        if (handle.Client.Options.AdminKey.Length > 0)
        {
            body["admin_key"] = handle.Client.Options.AdminKey;
        }
        return body;
    }

    private static void Expect(PluginReply reply, string answer, string request)
    {
        if (JanusClient.Str(reply.Data, "videoroom") != answer)
        {
            throw new JanusProtocolException($"Janus answered {request} with {JanusClient.Str(reply.Data, "videoroom") ?? "nothing"}, not {answer}");
        }
    }
}
