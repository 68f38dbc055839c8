using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Walkie.Server.Hubs;

namespace Walkie.Server.Channels;

/// <summary>The rules for channel names, display names and passcodes.</summary>
internal static partial class ChannelInput
{
    public const int MaxNameRunes = 32;
    public const int MaxPasscodeChars = 128;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ChannelPattern();

    /// <summary>Channel names are case-insensitive; the lower-case form is the key.</summary>
    public static string Channel(string? raw) =>
        raw is not null && ChannelPattern().IsMatch(raw)
            ? raw.ToLowerInvariant()
            : throw new WalkieError(ErrorCodes.InvalidChannel, "a channel name is 1-64 letters, digits, '-' or '_'");

    public static string Name(string? raw)
    {
        var name = raw?.Trim() ?? "";
        var runes = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            runes++;
            if (!IsPrintable(rune))
            {
                throw new WalkieError(ErrorCodes.InvalidName, "a name may only contain printable characters");
            }
        }
        if (runes is 0 or > MaxNameRunes || name.Contains('\uFFFD'))
        {
            throw new WalkieError(ErrorCodes.InvalidName, $"a name is 1-{MaxNameRunes} printable characters");
        }
        return name;
    }

    /// <summary>An empty passcode means none. Only a hash is kept, so the channel never holds the secret.</summary>
    public static byte[]? PasscodeHash(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }
        if (raw.Length > MaxPasscodeChars)
        {
            throw new WalkieError(ErrorCodes.InvalidPasscode, $"a passcode is at most {MaxPasscodeChars} characters");
        }
        return SHA256.HashData(Encoding.UTF8.GetBytes(raw));
    }

    /// <summary>Hashes have equal length, so FixedTimeEquals compares in time independent of the secret.</summary>
    public static bool PasscodeMatches(byte[] expected, byte[]? presented) =>
        CryptographicOperations.FixedTimeEquals(expected, presented ?? new byte[expected.Length]) && presented is not null;

    /// <summary>"Ann", then "Ann 2", "Ann 3"… so a second Ann (or Ann reconnecting before her old self timed out) still gets in.</summary>
    public static string Distinct(string name, IEnumerable<string> taken)
    {
        var used = new HashSet<string>(taken, StringComparer.OrdinalIgnoreCase);
        if (!used.Contains(name))
        {
            return name;
        }
        for (var n = 2; ; n++)
        {
            var suffix = $" {n}";
            var candidate = Truncate(name, MaxNameRunes - suffix.Length) + suffix;
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }
    }

    private static string Truncate(string name, int maxRunes)
    {
        var sb = new StringBuilder();
        foreach (var rune in name.EnumerateRunes().Take(maxRunes))
        {
            sb.Append(rune.ToString());
        }
        return sb.ToString().TrimEnd();
    }

    private static bool IsPrintable(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse
            or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned => false,
        _ => true,
    };
}
