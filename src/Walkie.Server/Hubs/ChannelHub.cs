using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Walkie.Server.Channels;
using Walkie.Server.Ice;
using Walkie.Server.Signaling;

namespace Walkie.Server.Hubs;

/// <summary>
/// The wire entry point. Arguments arrive as raw JSON so that a wrong shape gets a coded error
/// instead of SignalR's generic binding failure; everything else is forwarded to the registry.
/// </summary>
internal sealed class ChannelHub(ChannelRegistry channels, IceServerProvider ice) : Hub<IChannelClient>
{
    private readonly ChannelRegistry _channels = channels;

    public JoinResult Join(JsonElement request) =>
        _channels.Join(Context.ConnectionId, HubArguments.Read<JoinRequest>(request));

    public void Leave(JsonElement request)
    {
        HubArguments.Read<EmptyRequest>(request);
        _channels.Leave(Context.ConnectionId);
    }

    public void Signal(JsonElement request)
    {
        var signal = HubArguments.Read<SignalRequest>(request);
        SignalRules.Validate(signal);
        var (channel, self) = _channels.Find(Context.ConnectionId);
        channel.Relay(self.Id, signal.To!, signal.Description, signal.Candidate);
    }

    public FloorRequestResponse RequestFloor(JsonElement request)
    {
        HubArguments.Read<EmptyRequest>(request);
        var (channel, self) = _channels.Find(Context.ConnectionId);
        return channel.RequestFloor(self.Id);
    }

    public void ReleaseFloor(JsonElement request)
    {
        HubArguments.Read<EmptyRequest>(request);
        var (channel, self) = _channels.Find(Context.ConnectionId);
        channel.ReleaseFloor(self.Id);
    }

    /// <summary>Fresh TURN credentials for an ICE restart after the ones from Join expired.</summary>
    public IceServersResult RefreshIceServers(JsonElement request)
    {
        HubArguments.Read<EmptyRequest>(request);
        var (_, self) = _channels.Find(Context.ConnectionId);
        return new IceServersResult(ice.For(self.Id), ice.TransportPolicy);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        _channels.Leave(Context.ConnectionId);
        return Task.CompletedTask;
    }
}
