using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Walkie.Server.Channels;

/// <summary>
/// Resume tokens name a participant of a channel and carry an HMAC, so the server keeps nothing per token and any
/// node with the same key can check one. A token only ever lets its holder back into a seat that still exists.
/// </summary>
internal sealed class ResumeTokens(IOptions<WalkieOptions> options)
{
    private const int MaxLength = 256;
    private readonly byte[] _key = options.Value.Resume.Key is { Length: > 0 } key
        ? Encoding.UTF8.GetBytes(key)
        : RandomNumberGenerator.GetBytes(32);

    public string Issue(string channel, string participantId)
    {
        var body = Base64Url($"{channel}\n{participantId}\n{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}");
        return $"{body}.{Sign(body)}";
    }

    /// <returns>The channel and participant the token names, or null for anything forged, truncated or malformed.</returns>
    public (string Channel, string ParticipantId)? Read(string? token)
    {
        if (token is null || token.Length > MaxLength || token.Split('.') is not [var body, var mac])
        {
            return null;
        }
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(body)), Encoding.ASCII.GetBytes(mac)))
        {
            return null;
        }
        try
        {
            var parts = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(body)).Split('\n');
            return parts is [var channel, var participant, _] ? (channel, participant) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private string Sign(string body) => System.Buffers.Text.Base64Url.EncodeToString(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(body)));

    private static string Base64Url(string text) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
}
