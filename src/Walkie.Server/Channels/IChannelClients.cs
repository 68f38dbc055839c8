using Microsoft.AspNetCore.SignalR;
using Walkie.Server.Hubs;

namespace Walkie.Server.Channels;

/// <summary>How channels reach connections. The hub context in production, a recorder in unit tests.</summary>
internal interface IChannelClients
{
    IChannelClient Connection(string connectionId);
    IChannelClient Connections(IReadOnlyList<string> connectionIds);
}

internal sealed class HubChannelClients(IHubContext<ChannelHub, IChannelClient> hub) : IChannelClients
{
    public IChannelClient Connection(string connectionId) => hub.Clients.Client(connectionId);
    public IChannelClient Connections(IReadOnlyList<string> connectionIds) => hub.Clients.Clients(connectionIds);
}
