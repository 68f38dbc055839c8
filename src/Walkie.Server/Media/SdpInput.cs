using System.Text;
using Walkie.Server.Hubs;
using Walkie.Server.Signaling;

namespace Walkie.Server.Media;

/// <summary>An SDP for Janus, checked on the node that received it, before it crosses to the channel.</summary>
internal static class SdpInput
{
    public static string Read(SessionDescription? description, string type)
    {
        if (description is null || description.Type != type || string.IsNullOrEmpty(description.Sdp))
        {
            throw new WalkieError(ErrorCodes.InvalidSignal, $"expected an {type} with an 'sdp' string");
        }
        if (Encoding.UTF8.GetByteCount(description.Sdp) > SignalRules.MaxSdpBytes)
        {
            throw new WalkieError(ErrorCodes.TooLarge, $"an SDP is at most {SignalRules.MaxSdpBytes} bytes");
        }
        return description.Sdp;
    }
}
