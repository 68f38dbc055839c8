using Microsoft.AspNetCore.SignalR;
using Walkie.Server.Hubs;

namespace Walkie.Server.Channels;

/// <summary>How channels reach connections. The hub context in production, a recorder in unit tests.</summary>
internal interface IChannelClients
{
    IChannelClient Connection(string connectionId);

    /// <summary>Everyone who has entered the channel.</summary>
    IChannelClient Channel(string channel);

    void Enter(string connectionId, string channel);

    void Exit(string connectionId, string channel);
}

/// <summary>
/// Channels are SignalR groups: a group send serialises the message once and visits only the group's connections,
/// where sending to a list of connection ids scans every connection on the server.
/// </summary>
internal sealed class HubChannelClients(IHubContext<ChannelHub, IChannelClient> hub, ILogger<HubChannelClients> log) : IChannelClients
{
    public IChannelClient Connection(string connectionId) => hub.Clients.Client(connectionId);

    public IChannelClient Channel(string channel) => hub.Clients.Group(GroupName(channel));

    // The in-memory lifetime manager changes groups synchronously, so the change is in place before the next send.
    public void Enter(string connectionId, string channel) =>
        Observe(hub.Groups.AddToGroupAsync(connectionId, GroupName(channel)));

    public void Exit(string connectionId, string channel) =>
        Observe(hub.Groups.RemoveFromGroupAsync(connectionId, GroupName(channel)));

    private static string GroupName(string channel) => "channel:" + channel;

    private void Observe(Task task)
    {
        if (!task.IsCompletedSuccessfully)
        {
            task.ContinueWith(t => log.LogWarning(t.Exception, "Changing a channel group failed"), TaskContinuationOptions.OnlyOnFaulted);
        }
    }
}
