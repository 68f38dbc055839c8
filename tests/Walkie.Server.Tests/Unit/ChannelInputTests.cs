using Walkie.Server.Channels;
using Walkie.Server.Hubs;

namespace Walkie.Server.Tests.Unit;

// The name vectors match protocol.test.ts in the client, which applies the same rule.
public class ChannelInputTests
{
    private const string Family = "👨‍👩‍👧‍👦";
    private const string Thumb = "👍🏽";

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
    [InlineData("abc\n")]
    [InlineData("\nabc")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234")]
    public void InvalidChannelNamesAreRefused(string? name) =>
        Assert.Equal(ErrorCodes.InvalidChannel, Assert.Throws<WalkieError>(() => ChannelInput.Channel(name)).Code);

    [Theory]
    [InlineData("  Ann  ", "Ann")]
    [InlineData("Zoë 🎧", "Zoë 🎧")]
    [InlineData("Ann\u200B", "Ann")]
    [InlineData("Ann\u3164", "Ann")]
    [InlineData("Ann\u200D", "Ann")]
    [InlineData("\uFEFFAnn\u2060", "Ann")]
    [InlineData("\u3000\u034FAnn\u2800", "Ann")]
    [InlineData("\uFE0FAnn \uFE0F", "Ann")]
    [InlineData("Ann\U000E0041\U000E007F", "Ann")]
    [InlineData("Ann \u00A0\u3000 Lee", "Ann Lee")]
    [InlineData("12345678901234567890123456789012", "12345678901234567890123456789012")]
    public void NamesAreTrimmedOfInvisibleEdgesAndCollapseInnerSpaces(string raw, string expected) =>
        Assert.Equal(expected, ChannelInput.Name(raw));

    [Fact]
    public void DecomposedAndPrecomposedSpellingsAreOneName()
    {
        Assert.Equal("Jos\u00E9", ChannelInput.Name("Jose\u0301"));
        Assert.Equal(ChannelInput.Name("Jos\u00E9"), ChannelInput.Name("Jose\u0301"));
    }

    [Theory]
    [InlineData(Family)]
    [InlineData("👩‍👩‍👧")]
    [InlineData(Thumb)]
    [InlineData("❤️")]
    [InlineData("Ann ❤️")]
    [InlineData("می\u200Cخواهم")]
    [InlineData("क्\u200Dष")]
    [InlineData("ക്\u200Cഷ")]
    public void JoinersEmojiAndSelectorsThatShapeAVisibleNameAreKept(string raw) =>
        Assert.Equal(raw, ChannelInput.Name(raw));

    [Theory]
    [InlineData("\u3164")]
    [InlineData("\u2800\u2800")]
    [InlineData("\u034F")]
    [InlineData("\u200B")]
    [InlineData("\u200D\u200C")]
    [InlineData("\uFE0F")]
    [InlineData("\u115F\u1160\uFFA0")]
    [InlineData("\u180E\u2061\u2064")]
    [InlineData("\uFEFF \u3164")]
    public void InvisibleOnlyNamesAreRefused(string raw)
    {
        var error = Assert.Throws<WalkieError>(() => ChannelInput.Name(raw));
        Assert.Equal(ErrorCodes.InvalidName, error.Code);
        Assert.Contains("visible", error.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData(" \u3000 ")]
    [InlineData("bell\u0007")]
    [InlineData("tab\there")]
    [InlineData("Ann\nLee")]
    [InlineData("Ann\u2028Lee")]
    [InlineData("rtl\u202Eoverride")]
    [InlineData("Ann\u202Eevil")]
    [InlineData("\uFFFEZ\u0300\u0301\uFEFF\uD83C\uDFFB")]
    [InlineData("Ann\uFFFF")]
    [InlineData("Ann\u2066isolate\u2069")]
    [InlineData("An\u200Bn")]
    [InlineData("An\U000E0041n")]
    [InlineData("Ann\uE000")]
    [InlineData("Ann\uFFFD")]
    [InlineData("Ann\u0378")]
    [InlineData("Ann\u3164Lee")]
    [InlineData("Ann\u2800Lee")]
    [InlineData("123456789012345678901234567890123")]
    public void UnprintableOrOverlongNamesAreRefused(string? raw) =>
        Assert.Equal(ErrorCodes.InvalidName, Assert.Throws<WalkieError>(() => ChannelInput.Name(raw)).Code);

    [Fact]
    public void LoneSurrogatesAreRefusedRatherThanCrashingNormalisation()
    {
        Assert.Equal(ErrorCodes.InvalidName, Assert.Throws<WalkieError>(() => ChannelInput.Name("Ann\uD800")).Code);
        Assert.Equal(ErrorCodes.InvalidName, Assert.Throws<WalkieError>(() => ChannelInput.Name("\uDC00Ann")).Code);
    }

    [Fact]
    public void LengthCountsGraphemesWithinAUtf16Budget()
    {
        Assert.Equal(Family + new string('x', 31), ChannelInput.Name(Family + new string('x', 31)));
        Assert.Throws<WalkieError>(() => ChannelInput.Name(Family + new string('x', 32)));
        Assert.Equal(Repeat(Thumb, 32), ChannelInput.Name(Repeat(Thumb, 32)));
        Assert.Throws<WalkieError>(() => ChannelInput.Name(Repeat(Thumb, 33)));
        // 11 families are 121 UTF-16 units, 12 are 132: the unit budget, not the grapheme count, refuses them.
        Assert.Equal(Repeat(Family, 11), ChannelInput.Name(Repeat(Family, 11)));
        Assert.Throws<WalkieError>(() => ChannelInput.Name(Repeat(Family, 12)));
        Assert.Throws<WalkieError>(() => ChannelInput.Name("e" + Repeat("\u0301", 200)));
    }

    [Fact]
    public void RefusalsNeverEchoTheName()
    {
        foreach (var raw in new[] { "Ann\u202Eevil", "evil\u3164x", "evil" + new string('x', 40) })
        {
            Assert.DoesNotContain("evil", Assert.Throws<WalkieError>(() => ChannelInput.Name(raw)).Message);
        }
    }

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

    [Fact]
    public void SuffixingCutsWholeGraphemesWithinBothLimits()
    {
        Assert.Equal(Repeat(Thumb, 30) + " 2", ChannelInput.Distinct(Repeat(Thumb, 32), [Repeat(Thumb, 32)]));
        // 7 + 11 × 11 = 128 units: one whole family goes to make room for " 2".
        var name = "abcdefg" + Repeat(Family, 11);
        var distinct = ChannelInput.Distinct(name, [name]);
        Assert.Equal("abcdefg" + Repeat(Family, 10) + " 2", distinct);
        Assert.Equal(distinct, ChannelInput.Name(distinct));
    }

    [Theory]
    [InlineData("Ann", "ann")]
    [InlineData("An\u200Cn", "Ann")]
    [InlineData("Ann\uFE0F", "Ann")]
    public void NamesThatLookTakenGetASuffix(string name, string taken) =>
        Assert.Equal(name + " 2", ChannelInput.Distinct(name, [taken]));

    private static string Repeat(string s, int count) => string.Concat(Enumerable.Repeat(s, count));
}
