using System.Text;
using Walkie.Server.Hubs;

namespace Walkie.Server.Signaling;

/// <summary>The shape and size rules for relayed WebRTC signaling. The server never parses SDP itself.</summary>
internal static class SignalRules
{
    public const int MaxSdpBytes = 16 * 1024;
    public const int MaxCandidateBytes = 1024;
    private const int MaxSmallFieldChars = 256;

    /// <summary>Perfect negotiation: of two peers, the one whose id sorts first (ordinal) is the polite one.</summary>
    public const string NegotiationRule = "polite-if-lower-id";

    private static readonly HashSet<string> DescriptionTypes = ["offer", "answer", "pranswer", "rollback"];

    public static void Validate(SignalRequest request)
    {
        if (string.IsNullOrEmpty(request.To))
        {
            throw new WalkieError(ErrorCodes.InvalidSignal, "a signal needs a 'to' participant id");
        }
        if ((request.Description is null) == (request.Candidate is null))
        {
            throw new WalkieError(ErrorCodes.InvalidSignal, "a signal carries exactly one of 'description' or 'candidate'");
        }
        if (request.Description is { } d)
        {
            if (d.Type is null || !DescriptionTypes.Contains(d.Type))
            {
                throw new WalkieError(ErrorCodes.InvalidSignal, "a description's type is offer, answer, pranswer or rollback");
            }
            if (d.Sdp is null && d.Type != "rollback")
            {
                throw new WalkieError(ErrorCodes.InvalidSignal, "a description needs an 'sdp' string");
            }
            if (Encoding.UTF8.GetByteCount(d.Sdp ?? "") > MaxSdpBytes)
            {
                throw new WalkieError(ErrorCodes.TooLarge, $"an SDP is at most {MaxSdpBytes} bytes");
            }
        }
        if (request.Candidate is { } c)
        {
            if (c.Candidate is null)
            {
                throw new WalkieError(ErrorCodes.InvalidSignal, "a candidate needs a 'candidate' string (empty for end of candidates)");
            }
            if (Encoding.UTF8.GetByteCount(c.Candidate) > MaxCandidateBytes)
            {
                throw new WalkieError(ErrorCodes.TooLarge, $"a candidate is at most {MaxCandidateBytes} bytes");
            }
            if (c.SdpMid?.Length > MaxSmallFieldChars || c.UsernameFragment?.Length > MaxSmallFieldChars)
            {
                throw new WalkieError(ErrorCodes.TooLarge, $"sdpMid and usernameFragment are at most {MaxSmallFieldChars} characters");
            }
            if (c.SdpMLineIndex is < 0 or > ushort.MaxValue)
            {
                throw new WalkieError(ErrorCodes.InvalidSignal, "sdpMLineIndex is out of range");
            }
        }
    }
}
