namespace Walkie.Server.Media.Janus;

/// <summary>The little Walkie reads from an SDP itself; browsers and Janus do the rest.</summary>
internal static class SdpText
{
    /// <summary>The mid of the first m-line of a kind ("audio"), which rtp_forward needs to pick a publisher's stream.</summary>
    public static string? FirstMid(string sdp, string kind)
    {
        var inSection = false;
        foreach (var raw in sdp.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("m=", StringComparison.Ordinal))
            {
                if (inSection)
                {
                    return null;
                }
                inSection = line.StartsWith($"m={kind} ", StringComparison.Ordinal);
            }
            else if (inSection && line.StartsWith("a=mid:", StringComparison.Ordinal))
            {
                return line["a=mid:".Length..];
            }
        }
        return null;
    }
}
