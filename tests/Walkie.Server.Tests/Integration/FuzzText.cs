using FsCheck;
using FsCheck.Fluent;

namespace Walkie.Server.Tests.Integration;

/// <summary>
/// Text that tends to break input handling: empty and blank strings, lengths on either side of every limit, control
/// and format characters, bidi overrides, combining marks, emoji sequences, private-use and noncharacter code points.
/// No lone surrogates: the JSON writer would send U+FFFD instead, which is here already.
/// </summary>
internal static class FuzzText
{
    public static readonly string[] Exotic =
    [
        "", " ", "   ", "\t", "\r\n", "\0", "\u0007", "\u001b[31m", "\u007f", "\u0085",
        "Zoë", "日本語のチャンネル", "שלום", "مرحبا", "ǅemal", "İ", "ß", "ﬁ", "Σ", "ｆｕｚｚ",
        "🎙️", "📻📻📻", "👩‍👩‍👧‍👦", "🏳️‍🌈", "\U0001F3FB",
        "\u202Eevil\u202C", "\u202D", "\u200F", "\u2066isolated\u2069",
        "e\u0301\u0301\u0301\u0301", "Z" + string.Concat(Enumerable.Range(0x300, 40).Select(c => (char)c)),
        "\uFFFD", "\uFEFF", "\u200B", "\u200D", "\u00A0", "\u3000", "\u2028", "\u2029",
        "\uE000", "\uFFFF", "\uFFFE", "\U0010FFFF", "\U000E0001", "\U0001D11E",
        "null", "undefined", "true", "0", "-1", "NaN", "[]", "{}", "\"", "\\", "'", "<b>", "%00", "../", "p-",
        "__proto__", "constructor", "$id",
    ];

    private static readonly Gen<string> CodePoint = Gen.Frequency(
        (6, Gen.Choose(0x20, 0x7E)),
        (1, Gen.Choose(0x00, 0x1F)),
        (2, Gen.Choose(0x80, 0x7FF)),
        (2, Gen.Choose(0x800, 0xD7FF)),
        (1, Gen.Choose(0xE000, 0xFFFF)),
        (2, Gen.Choose(0x10000, 0x10FFFF))).Select(char.ConvertFromUtf32);

    public static readonly Gen<string> Edge = Gen.Frequency(
        (5, Gen.Elements(Exotic)),
        (3, Gen.Choose(2, 6).SelectMany(n => Gen.ArrayOf(Gen.Elements(Exotic), n)).Select(string.Concat)),
        (2, Gen.Choose(0, 40).SelectMany(n => Gen.ArrayOf(CodePoint, n)).Select(string.Concat)),
        // Lengths on either side of the limits: 32 name runes, 64 channel chars, 128 passcode chars, 256 small fields.
        (2, from n in Gen.Elements(1, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257)
            from fill in Gen.Elements("a", "Z", "0", "é", "日", "🎙")
            select string.Concat(Enumerable.Repeat(fill, n))),
        // Around the 1 KiB candidate and 16 KiB SDP limits, counted in UTF-8 bytes, and up to 30 KB.
        (1, Gen.Frequency(
            (3, from p in Gen.Elements(("x", 1024), ("x", 1025), ("x", 16384), ("x", 16385), ("€", 5461), ("€", 5462), ("é", 8193), ("🎙", 300))
                select string.Concat(Enumerable.Repeat(p.Item1, p.Item2))),
            (1, Gen.Choose(1000, 30_000).Select(n => new string('x', n))))));
}
