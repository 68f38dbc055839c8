using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Walkie.Server.Hubs;

namespace Walkie.Server.Channels;

/// <summary>The rules for channel names, display names and passcodes.</summary>
internal static partial class ChannelInput
{
    public const int MaxNameGraphemes = 32;
    // One grapheme may hold any number of combining marks; this bounds what a name can carry.
    public const int MaxNameUtf16 = 128;
    public const int MaxPasscodeChars = 128;

    // \z, not $: $ also matches before a trailing "\n".
    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex ChannelPattern();

    /// <summary>Channel names are case-insensitive; the lower-case form is the key.</summary>
    public static string Channel(string? raw) =>
        raw is not null && ChannelPattern().IsMatch(raw)
            ? raw.ToLowerInvariant()
            : throw new WalkieError(ErrorCodes.InvalidChannel, "a channel name is 1-64 letters, digits, '-' or '_'");

    /// <summary>
    /// A display name must show who is talking, so (the client applies the same rule):
    /// 1. it is NFC-normalised, so a name typed precomposed or decomposed is one name;
    /// 2. invisible characters at either end are trimmed (see <see cref="NameChars"/>), and each run of
    ///    spaces inside (U+0020, U+00A0, U+3000…) becomes one U+0020;
    /// 3. nothing visible left means refused;
    /// 4. inside, the only format characters allowed are ZWJ and ZWNJ (emoji sequences, Persian, Indic scripts);
    ///    other format, control (tabs and line breaks too), private-use, unassigned and surrogate code points, U+FFFD
    ///    and blank letters are refused;
    /// 5. it is 1-32 graphemes (a family emoji is one) and at most 128 UTF-16 units.
    /// Refusals never echo the value.
    /// </summary>
    public static string Name(string? raw)
    {
        // EnumerateRunes reads a lone surrogate as U+FFFD, and Normalize would throw on one.
        if (raw is null || raw.EnumerateRunes().Any(r => r == Rune.ReplacementChar))
        {
            throw Unprintable();
        }
        var runes = NameChars.Trim(Normalized(raw));
        if (runes.Length == 0)
        {
            throw raw.All(char.IsWhiteSpace)
                ? TooLong()
                : new WalkieError(ErrorCodes.InvalidName, "a name needs at least one visible character");
        }
        var name = new StringBuilder();
        for (var i = 0; i < runes.Length; i++)
        {
            // Only spaces collapse; a tab or line break inside is a control character and is refused.
            if (IsSpace(runes[i]))
            {
                // Trimmed runs never start at 0, so i - 1 exists.
                if (!IsSpace(runes[i - 1]))
                {
                    name.Append(' ');
                }
            }
            else if (NameChars.IsAllowedInside(runes[i]))
            {
                name.Append(runes[i].ToString());
            }
            else
            {
                throw Unprintable();
            }
        }
        var result = name.ToString();
        if (result.Length > MaxNameUtf16 || new StringInfo(result).LengthInTextElements > MaxNameGraphemes)
        {
            throw TooLong();
        }
        return result;
    }

    /// <summary>Normalize refuses noncharacters such as U+FFFE by throwing; for a name they are just unprintable.</summary>
    private static string Normalized(string raw)
    {
        try
        {
            return raw.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            throw Unprintable();
        }
    }

    private static bool IsSpace(Rune rune) => Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator;

    private static WalkieError TooLong() =>
        new(ErrorCodes.InvalidName, $"a name is 1-{MaxNameGraphemes} characters");

    private static WalkieError Unprintable() =>
        new(ErrorCodes.InvalidName, "a name may only contain printable characters");

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
        // Compared without invisible joiners and selectors, so "An\u200Cn" cannot pass for a second, identical-looking "Ann".
        var used = new HashSet<string>(taken.Select(NameChars.Skeleton), StringComparer.OrdinalIgnoreCase);
        if (!used.Contains(NameChars.Skeleton(name)))
        {
            return name;
        }
        for (var n = 2; ; n++)
        {
            var suffix = $" {n}";
            var candidate = (Truncate(name, MaxNameGraphemes - suffix.Length, MaxNameUtf16 - suffix.Length) + suffix).TrimStart();
            if (!used.Contains(NameChars.Skeleton(candidate)))
            {
                return candidate;
            }
        }
    }

    /// <summary>Cuts between graphemes, so an emoji sequence or a conjunct is kept whole or dropped whole.</summary>
    private static string Truncate(string name, int maxGraphemes, int maxUtf16)
    {
        var end = 0;
        for (var count = 0; count < maxGraphemes && end < name.Length; count++)
        {
            var next = StringInfo.GetNextTextElementLength(name.AsSpan(end));
            if (end + next > maxUtf16)
            {
                break;
            }
            end += next;
        }
        return string.Concat(NameChars.Trim(name[..end]).Select(r => r.ToString()));
    }
}
