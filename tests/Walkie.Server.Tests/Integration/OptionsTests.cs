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
    public async Task InvalidSettingsStopTheServerAtStart(string key, string value)
    {
        await Assert.ThrowsAsync<OptionsValidationException>(() => RunningServer.StartAsync(new() { [key] = value }));
    }
}
