using System.Text;
using System.Text.Json;

namespace Walkie.Server.Media.Janus;

/// <summary>An SDP offer or answer, as Janus carries it next to a plugin message.</summary>
internal sealed record Jsep(string Type, string Sdp)
{
    public static Jsep Offer(string sdp) => new("offer", sdp);

    public static Jsep Answer(string sdp) => new("answer", sdp);

    // An SDP carries addresses and ICE credentials; only its size may reach a log line.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Type = {Type}, Sdp = {Sdp.Length} chars");
        return true;
    }
}

/// <summary>A plugin's answer to a message: its data (e.g. {"videoroom": "created", ...}), and an SDP when it negotiates.</summary>
internal sealed record PluginReply(string Plugin, JsonElement Data, Jsep? Jsep);

/// <summary>Something Janus reports on its own, not as the answer to a request.</summary>
internal abstract record JanusEvent(ulong SessionId, ulong HandleId);

/// <summary>The handle's PeerConnection is up (ICE and DTLS done).</summary>
internal sealed record WebRtcUpEvent(ulong SessionId, ulong HandleId) : JanusEvent(SessionId, HandleId);

/// <summary>Janus started or stopped receiving one medium on the handle's PeerConnection.</summary>
internal sealed record MediaEvent(ulong SessionId, ulong HandleId, string Type, string? Mid, bool Receiving) : JanusEvent(SessionId, HandleId);

/// <summary>The handle's PeerConnection went away (DTLS alert, ICE failure, or a hangup request).</summary>
internal sealed record HangupEvent(ulong SessionId, ulong HandleId, string? Reason) : JanusEvent(SessionId, HandleId);

/// <summary>The handle is gone from its plugin.</summary>
internal sealed record DetachedEvent(ulong SessionId, ulong HandleId) : JanusEvent(SessionId, HandleId);

/// <summary>Janus sees many lost packets on the handle's PeerConnection.</summary>
internal sealed record SlowLinkEvent(ulong SessionId, ulong HandleId, string Media, bool Uplink, int Lost) : JanusEvent(SessionId, HandleId);

/// <summary>A plugin's own notification, e.g. a VideoRoom publisher leaving, sometimes with an SDP.</summary>
internal sealed record PluginEvent(ulong SessionId, ulong HandleId, string Plugin, JsonElement Data, Jsep? Jsep) : JanusEvent(SessionId, HandleId);

/// <summary>Janus dropped the session: nothing was heard on it for its session_timeout. Its handles are gone too.</summary>
internal sealed record SessionTimeoutEvent(ulong SessionId) : JanusEvent(SessionId, 0);
