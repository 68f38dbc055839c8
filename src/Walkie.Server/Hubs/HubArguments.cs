using System.Text.Json;

namespace Walkie.Server.Hubs;

internal static class HubArguments
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNameCaseInsensitive = false,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
    };

    /// <summary>For methods that take an empty object: any object will do, and nothing in it is read.</summary>
    public static void ReadEmpty(HubArgument raw)
    {
        if (raw.Json.ValueKind != JsonValueKind.Object)
        {
            throw WalkieError.BadRequest($"expected one object argument, got {raw.Json.ValueKind.ToString().ToLowerInvariant()}");
        }
    }

    /// <summary>Every hub method takes exactly one JSON object; anything else is a bad request.</summary>
    public static T Read<T>(HubArgument raw)
    {
        ReadEmpty(raw);
        try
        {
            return raw.Json.Deserialize<T>(Options) ?? throw WalkieError.BadRequest("expected one object argument");
        }
        catch (JsonException e)
        {
            // The path names the offending field; the message never echoes the value.
            throw WalkieError.BadRequest($"field '{e.Path?.TrimStart('$', '.')}' has the wrong type");
        }
    }
}
