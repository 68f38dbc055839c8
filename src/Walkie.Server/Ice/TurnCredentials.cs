using System.Security.Cryptography;
using System.Text;

namespace Walkie.Server.Ice;

/// <summary>
/// Short-lived TURN credentials in the TURN REST scheme that coturn checks with use-auth-secret:
/// username "expiry:participant", password base64(HMAC-SHA1(secret, username)).
/// </summary>
internal static class TurnCredentials
{
    public static (string Username, string Credential) Create(string secret, string participantId, DateTimeOffset expires)
    {
        var username = $"{expires.ToUnixTimeSeconds()}:{participantId}";
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username));
        return (username, Convert.ToBase64String(mac));
    }
}
