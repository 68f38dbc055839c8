using System.Globalization;
using System.Text;

namespace Walkie.Server.Channels;

/// <summary>Which code points a display name may start, end or contain; the client's protocol.ts mirrors these sets.</summary>
internal static class NameChars
{
    /// <summary>Drops invisible code points from both ends.</summary>
    public static Rune[] Trim(string text)
    {
        var runes = text.EnumerateRunes().ToArray();
        var start = 0;
        var end = runes.Length;
        while (start < end && IsInvisible(runes[start]))
        {
            start++;
        }
        // A selector right after a visible base belongs to it: "❤️" keeps its emoji presentation.
        while (end > start && IsInvisible(runes[end - 1])
            && !(IsSelector(runes[end - 1]) && end - 2 >= start && !IsInvisible(runes[end - 2])))
        {
            end--;
        }
        return runes[start..end];
    }

    /// <summary>
    /// ZWJ and ZWNJ are the only format characters allowed: emoji sequences, Persian and Indic scripts need them.
    /// Blank letters are refused even inside, where they would pass for a space ("Ann\u3164Lee") yet differ from one.
    /// </summary>
    public static bool IsAllowedInside(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Format => rune.Value is 0x200C or 0x200D,
        UnicodeCategory.Control or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator => false,
        _ => rune != Rune.ReplacementChar && !IsBlank(rune),
    };

    /// <summary>The name as it looks: without joiners and selectors, which show nothing themselves.</summary>
    public static string Skeleton(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            if (rune.Value is not (0x200C or 0x200D) && !IsInvisibleMark(rune))
            {
                sb.Append(rune.ToString());
            }
        }
        return sb.ToString();
    }

    private static bool IsInvisible(Rune rune) =>
        Rune.IsWhiteSpace(rune) || Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format
        || IsBlank(rune) || IsInvisibleMark(rune);

    // Hangul fillers and the blank braille pattern are letters/symbols that render as nothing.
    private static bool IsBlank(Rune rune) => rune.Value is 0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x2800;

    // Combining marks that show nothing: the grapheme joiner, Khmer inherent vowels, and selectors.
    private static bool IsInvisibleMark(Rune rune) => IsSelector(rune) || rune.Value is 0x034F or 0x17B4 or 0x17B5;

    private static bool IsSelector(Rune rune) => rune.Value is (>= 0xFE00 and <= 0xFE0F)
        or (>= 0xE0100 and <= 0xE01EF) or (>= 0x180B and <= 0x180D) or 0x180F;
}
