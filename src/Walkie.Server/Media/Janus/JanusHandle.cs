using System.Text.Json.Nodes;

namespace Walkie.Server.Media.Janus;

/// <summary>An ICE candidate as a browser's RTCIceCandidate.toJSON() gives it.</summary>
internal sealed record IceCandidate(string Candidate, string? SdpMid, int? SdpMLineIndex);

/// <summary>One plugin handle: the place of one PeerConnection in Janus, and where plugin requests go.</summary>
internal sealed class JanusHandle(JanusClient client, ulong sessionId, ulong id, string plugin)
{
    public JanusClient Client => client;

    public ulong SessionId => sessionId;

    public ulong Id => id;

    public string Plugin => plugin;

    /// <summary>
    /// Sends a request to the plugin, with an SDP when it negotiates, and returns the plugin's answer, whether the
    /// plugin answers at once or later in an event. A plugin's refusal becomes a <see cref="JanusErrorException"/>.
    /// </summary>
    public async Task<PluginReply> MessageAsync(JsonObject body, Jsep? jsep = null, CancellationToken cancellation = default)
    {
        var name = (string?)body["request"] ?? "?";
        var request = new JsonObject { ["janus"] = "message", ["session_id"] = sessionId, ["handle_id"] = id, ["body"] = body };
        if (jsep is not null)
        {
            request["jsep"] = new JsonObject { ["type"] = jsep.Type, ["sdp"] = jsep.Sdp };
        }
        var reply = await client.RequestAsync(request, ackIsFinal: false, cancellation);
        if (!reply.TryGetProperty("plugindata", out var pluginData) || !pluginData.TryGetProperty("data", out var data))
        {
            throw new JanusProtocolException($"Janus answered {name} without plugin data");
        }
        var from = JanusClient.Str(pluginData, "plugin") ?? plugin;
        if (data.TryGetProperty("error_code", out _))
        {
            throw new JanusErrorException(name, JanusClient.Int(data, "error_code"), JanusClient.Str(data, "error") ?? "", from);
        }
        return new PluginReply(from, data, JanusClient.ReadJsep(reply));
    }

    /// <summary>Passes on one of the browser's ICE candidates for this handle's PeerConnection.</summary>
    public Task TrickleAsync(IceCandidate candidate, CancellationToken cancellation = default)
    {
        var value = new JsonObject { ["candidate"] = candidate.Candidate };
        if (candidate.SdpMid is not null)
        {
            value["sdpMid"] = candidate.SdpMid;
        }
        if (candidate.SdpMLineIndex is not null)
        {
            value["sdpMLineIndex"] = candidate.SdpMLineIndex;
        }
        return TrickleAsync(value, cancellation);
    }

    /// <summary>Tells Janus the browser has no more candidates.</summary>
    public Task TrickleCompletedAsync(CancellationToken cancellation = default) =>
        TrickleAsync(new JsonObject { ["completed"] = true }, cancellation);

    private Task TrickleAsync(JsonObject candidate, CancellationToken cancellation) =>
        client.RequestAsync(
            new JsonObject { ["janus"] = "trickle", ["session_id"] = sessionId, ["handle_id"] = id, ["candidate"] = candidate },
            ackIsFinal: true,
            cancellation);

    /// <summary>Closes the handle's PeerConnection; the handle stays attached.</summary>
    public Task HangupAsync(CancellationToken cancellation = default) =>
        client.RequestAsync(new JsonObject { ["janus"] = "hangup", ["session_id"] = sessionId, ["handle_id"] = id }, ackIsFinal: false, cancellation);

    /// <summary>Detaches from the plugin: a publisher leaves its room, a listener stops watching.</summary>
    public Task DetachAsync(CancellationToken cancellation = default) =>
        client.RequestAsync(new JsonObject { ["janus"] = "detach", ["session_id"] = sessionId, ["handle_id"] = id }, ackIsFinal: false, cancellation);
}
