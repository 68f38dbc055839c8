using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration;

public class OptionsTests
{
    [Theory]
    [InlineData("Walkie:MaxParticipantsPerChannel", "1")]
    [InlineData("Walkie:MaxChannels", "0")]
    [InlineData("Walkie:MaxMessageBytes", "1024")]
    [InlineData("Walkie:TransmitLimit", "-00:00:01")]
    [InlineData("Walkie:ClientTimeoutInterval", "00:00:04")]
    [InlineData("Walkie:IceServers:0:Urls:0", "http://not-ice.example")]
    [InlineData("Walkie:IceTransportPolicy", "none")]
    [InlineData("Walkie:Turn:Enabled", "true")]
    [InlineData("Walkie:Sfu:JanusUrl", "http://127.0.0.1:8188")]
    [InlineData("Walkie:Sfu:JanusUrl", "ws://127.0.0.1:8188")]
    [InlineData("Walkie:Sfu:KeepAliveInterval", "00:01:00")]
    [InlineData("Walkie:Sfu:RequestTimeout", "00:00:00")]
    public async Task InvalidSettingsStopTheServerAtStart(string key, string value)
    {
        await Assert.ThrowsAsync<OptionsValidationException>(() => RunningServer.StartAsync(new() { [key] = value }));
    }

    [Theory]
    [InlineData("Walkie:Sfu:MeshLimit", "17")]
    [InlineData("Walkie:Sfu:MeshLimit", "-1")]
    [InlineData("Walkie:Sfu:MaxMembers", "1")]
    [InlineData("Walkie:Sfu:MaxMembers", "100000")]
    public async Task AnSfuSectionWithAnUnsupportedSizeStopsTheServerAtStart(string key, string value)
    {
        await Assert.ThrowsAsync<OptionsValidationException>(() => RunningServer.StartAsync(new()
        {
            ["Walkie:Sfu:JanusUrl"] = "ws://127.0.0.1:8188",
            ["Walkie:Sfu:AdminKey"] = "an-admin-key-of-16-chars-or-more",
            [key] = value,
        }));
    }

    [Fact]
    public async Task ACompleteSfuSectionStarts()
    {
        await using var server = await RunningServer.StartAsync(new()
        {
            ["Walkie:Sfu:JanusUrl"] = "ws://127.0.0.1:8188",
            ["Walkie:Sfu:AdminKey"] = "an-admin-key-of-16-chars-or-more",
            ["Walkie:Sfu:ApiSecret"] = "an-api-secret-of-16-chars-or-more",
            ["Walkie:Sfu:MeshLimit"] = "16",
        });
        var sfu = server.Services.GetRequiredService<IOptions<WalkieOptions>>().Value.Sfu;
        Assert.Equal("ws://127.0.0.1:8188", sfu.JanusUrl);
        Assert.Equal(16, sfu.MeshLimit);
        Assert.DoesNotContain("an-admin-key", sfu.ToString());
        Assert.DoesNotContain("an-api-secret", sfu.ToString());
    }
}
