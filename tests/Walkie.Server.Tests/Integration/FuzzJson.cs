using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Walkie.Server.Tests.Integration;

internal enum Who { Fuzzed, Self, Outsider, Stranger, Departed }

/// <summary>Near misses of a real id: each must count as nobody.</summary>
internal enum IdVariant { Exact, Upper, LeadingSpace, TrailingSpace, Truncated, Extended }

/// <summary>A participant id that only exists once the case runs, e.g. "fuzzed client 2's current id".</summary>
internal sealed record Target(Who Who, int Index, IdVariant Variant)
{
    public string Apply(string id) => Variant switch
    {
        IdVariant.Upper => id.ToUpperInvariant(),
        IdVariant.LeadingSpace => " " + id,
        IdVariant.TrailingSpace => id + " ",
        IdVariant.Truncated => id[..^1],
        IdVariant.Extended => id + "0",
        _ => id,
    };

    public override string ToString() =>
        $"<{(Variant == IdVariant.Exact ? "" : Variant + " ")}id of {Who}{(Who is Who.Fuzzed or Who.Departed ? " " + Index : "")}>";
}

/// <summary>
/// A generated JSON value. Built by hand rather than from objects so that duplicate keys and raw number text such
/// as 1e400 reach the server as generated, and so that a failing case prints short and unambiguous.
/// </summary>
internal abstract record FuzzJson
{
    private const int ShownChars = 256;
    private const int HeadChars = 32;
    private const int TailChars = 16;

    public sealed record Str(string Value) : FuzzJson;

    /// <summary>A number, true, false or null, written exactly as given.</summary>
    public sealed record Raw(string Json) : FuzzJson;

    public sealed record Arr(FuzzJson[] Items) : FuzzJson;

    public sealed record Obj((string Key, FuzzJson Value)[] Fields) : FuzzJson;

    public sealed record Ref(Target Target) : FuzzJson;

    public JsonElement ToElement(Func<Target, string> resolve)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, resolve);
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>The size of the invocation on the wire, which must stay under the server's MaxMessageBytes.</summary>
    public static int WireBytes(string method, IEnumerable<FuzzJson> arguments)
    {
        var placeholder = "p-" + new string('0', 18);
        var buffer = new ArrayBufferWriter<byte>();
        new JsonHubProtocol().WriteMessage(
            new InvocationMessage("1", method, [.. arguments.Select(a => (object)a.ToElement(t => t.Apply(placeholder)))]), buffer);
        return buffer.WrittenCount;
    }

    public sealed override string ToString()
    {
        var sb = new StringBuilder();
        Describe(sb);
        return sb.ToString();
    }

    private void Write(Utf8JsonWriter writer, Func<Target, string> resolve)
    {
        switch (this)
        {
            case Str s: writer.WriteStringValue(s.Value); break;
            case Raw r: writer.WriteRawValue(r.Json); break;
            case Ref r: writer.WriteStringValue(resolve(r.Target)); break;
            case Arr a:
                writer.WriteStartArray();
                foreach (var item in a.Items)
                {
                    item.Write(writer, resolve);
                }
                writer.WriteEndArray();
                break;
            case Obj o:
                writer.WriteStartObject();
                foreach (var (key, value) in o.Fields)
                {
                    writer.WritePropertyName(key);
                    value.Write(writer, resolve);
                }
                writer.WriteEndObject();
                break;
        }
    }

    // Strings are shown JSON-escaped (so bidi overrides and control characters are visible) and long ones cut short.
    private void Describe(StringBuilder sb)
    {
        switch (this)
        {
            case Str s: sb.Append(Shorten(s.Value)); break;
            case Raw r: sb.Append(r.Json); break;
            case Ref r: sb.Append(r.Target); break;
            case Arr a:
                sb.Append('[');
                for (var i = 0; i < a.Items.Length; i++)
                {
                    sb.Append(i == 0 ? "" : ",");
                    a.Items[i].Describe(sb);
                }
                sb.Append(']');
                break;
            case Obj o:
                sb.Append('{');
                for (var i = 0; i < o.Fields.Length; i++)
                {
                    sb.Append(i == 0 ? "" : ",").Append(Shorten(o.Fields[i].Key)).Append(':');
                    o.Fields[i].Value.Describe(sb);
                }
                sb.Append('}');
                break;
        }
    }

    private static string Shorten(string text)
    {
        if (text.Length <= ShownChars)
        {
            return JsonSerializer.Serialize(text);
        }
        var head = char.IsHighSurrogate(text[HeadChars - 1]) ? HeadChars - 1 : HeadChars;
        var tail = char.IsLowSurrogate(text[^TailChars]) ? TailChars - 1 : TailChars;
        return $"{JsonSerializer.Serialize(text[..head])}…{JsonSerializer.Serialize(text[^tail..])}" +
            $"({text.Length} chars, {Encoding.UTF8.GetByteCount(text)} bytes)";
    }
}
