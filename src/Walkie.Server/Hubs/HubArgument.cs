using System.Text.Json;
using System.Text.Json.Serialization;

namespace Walkie.Server.Hubs;

/// <summary>
/// A hub method's one argument, kept as raw JSON with its size. It never prints its content: SignalR logs
/// invocations with their arguments at Debug, and arguments carry passcodes, SDP and ICE candidates.
/// </summary>
[JsonConverter(typeof(HubArgumentConverter))]
internal readonly record struct HubArgument(JsonElement Json, long Bytes)
{
    public override string ToString() => $"({Json.ValueKind}, {Bytes} bytes)";
}

internal sealed class HubArgumentConverter : JsonConverter<HubArgument>
{
    // Null must reach Read, so that a null argument becomes a coded bad-request rather than a binding failure.
    public override bool HandleNull => true;

    public override HubArgument Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var start = reader.TokenStartIndex;
        var json = JsonElement.ParseValue(ref reader);
        return new HubArgument(json, reader.BytesConsumed - start);
    }

    public override void Write(Utf8JsonWriter writer, HubArgument value, JsonSerializerOptions options) =>
        value.Json.WriteTo(writer);
}
