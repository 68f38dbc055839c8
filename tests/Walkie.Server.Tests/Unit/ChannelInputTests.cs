using Walkie.Server.Channels;
using Walkie.Server.Hubs;

namespace Walkie.Server.Tests.Unit;

public class ChannelInputTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("Ops_Team-2")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void ValidChannelNamesAreLowerCased(string name) =>
        Assert.Equal(name.ToLowerInvariant(), ChannelInput.Channel(name));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/")]
    [InlineData("ümlaut")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234")]
    public void InvalidChannelNamesAreRefused(string? name) =>
        Assert.Equal(ErrorCodes.InvalidChannel, Assert.Throws<WalkieError>(() => ChannelInput.Channel(name)).Code);

    [Theory]
    [InlineData("  Ann  ", "Ann")]
    [InlineData("Zoë 🎧", "Zoë 🎧")]
    [InlineData("12345678901234567890123456789012", "12345678901234567890123456789012")]
    public void NamesAreTrimmed(string raw, string expected) => Assert.Equal(expected, ChannelInput.Name(raw));

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData("bell\u0007")]
    [InlineData("rtl\u202Eoverride")]
    [InlineData("123456789012345678901234567890123")]
    public void UnprintableOrOverlongNamesAreRefused(string? raw) =>
        Assert.Equal(ErrorCodes.InvalidName, Assert.Throws<WalkieError>(() => ChannelInput.Name(raw)).Code);

    [Fact]
    public void PasscodesCompareByHash()
    {
        var hash = ChannelInput.PasscodeHash("open sesame")!;
        Assert.True(ChannelInput.PasscodeMatches(hash, ChannelInput.PasscodeHash("open sesame")));
        Assert.False(ChannelInput.PasscodeMatches(hash, ChannelInput.PasscodeHash("open sesame!")));
        Assert.False(ChannelInput.PasscodeMatches(hash, null));
        Assert.Null(ChannelInput.PasscodeHash(""));
    }

    [Fact]
    public void SuffixedNamesStayWithinTheLengthLimit()
    {
        var longName = new string('x', 32);
        var distinct = ChannelInput.Distinct(longName, [longName]);
        Assert.Equal(new string('x', 30) + " 2", distinct);
    }
}
