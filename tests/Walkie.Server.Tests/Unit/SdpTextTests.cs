using Walkie.Server.Media.Janus;

namespace Walkie.Server.Tests.Unit;

public class SdpTextTests
{
    [Fact]
    public void FindsTheMidOfTheFirstMLineOfAKind()
    {
        const string sdp = "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:v\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=sendonly\r\na=mid:1\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:2\r\n";
        Assert.Equal("1", SdpText.FirstMid(sdp, "audio"));
        Assert.Equal("v", SdpText.FirstMid(sdp, "video"));
        Assert.Null(SdpText.FirstMid(sdp, "application"));
    }

    [Fact]
    public void AnAudioMLineWithoutAMidHasNone()
    {
        Assert.Null(SdpText.FirstMid("v=0\nm=audio 9 RTP/AVP 0\na=sendonly\nm=audio 9 RTP/AVP 0\na=mid:later\n", "audio"));
    }

    [Fact]
    public void AJsepPrintsItsSizeNotItsSdp()
    {
        var text = Jsep.Offer("v=0\r\na=fingerprint:sha-256 AB:CD\r\n").ToString();
        Assert.DoesNotContain("fingerprint", text);
        Assert.Contains("offer", text);
    }
}
