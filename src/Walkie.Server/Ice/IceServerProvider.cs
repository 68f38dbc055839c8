using Microsoft.Extensions.Options;
using Walkie.Server.Hubs;

namespace Walkie.Server.Ice;

/// <summary>The ICE servers handed to one participant: the configured STUN/TURN list plus a fresh TURN credential.</summary>
internal sealed class IceServerProvider(IOptions<WalkieOptions> options, TimeProvider time)
{
    private readonly WalkieOptions _options = options.Value;

    public string TransportPolicy => _options.IceTransportPolicy;

    public IReadOnlyList<IceServer> For(string participantId)
    {
        var servers = _options.IceServers.Select(s => new IceServer(s.Urls, s.Username, s.Credential)).ToList();
        if (_options.Turn is { Enabled: true } turn)
        {
            var (username, credential) = TurnCredentials.Create(turn.Secret, participantId, time.GetUtcNow() + turn.CredentialTtl);
            servers.Add(new IceServer(turn.Urls, username, credential));
        }
        return servers;
    }
}
