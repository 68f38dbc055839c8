using Microsoft.AspNetCore.SignalR;
using Walkie.Server.Channels;
using Walkie.Server.Ice;
using Walkie.Server.Protection;
using Walkie.Server.Signaling;

namespace Walkie.Server.Hubs;

/// <summary>
/// The wire entry point. Arguments arrive as raw JSON so that a wrong shape gets a coded error
/// instead of SignalR's generic binding failure; everything else is forwarded to wherever channels live.
/// </summary>
internal sealed class ChannelHub(IChannels channels, IceServerProvider ice, ClientTable clients) : Hub<IChannelClient>
{
    public Task<JoinResult> Join(HubArgument request) =>
        channels.JoinAsync(Context.ConnectionId, Address, HubArguments.Read<JoinRequest>(request), Context.ConnectionAborted);

    /// <summary>SFU channels: publish our microphone to Janus with this offer; the answer is Janus's.</summary>
    public Task<SfuPublishResult> SfuPublish(HubArgument request) =>
        channels.SfuPublishAsync(Context.ConnectionId, HubArguments.Read<SfuPublishRequest>(request), Context.ConnectionAborted);

    /// <summary>SFU channels: Janus's offer for the connection that plays the channel's floor holder.</summary>
    public Task<SfuListenResult> SfuListen(HubArgument request)
    {
        HubArguments.ReadEmpty(request);
        return channels.SfuListenAsync(Context.ConnectionId, Context.ConnectionAborted);
    }

    public Task SfuAnswer(HubArgument request) =>
        channels.SfuAnswerAsync(Context.ConnectionId, HubArguments.Read<SfuAnswerRequest>(request), Context.ConnectionAborted);

    public ValueTask Leave(HubArgument request)
    {
        HubArguments.ReadEmpty(request);
        return channels.LeaveAsync(Context.ConnectionId);
    }

    public ValueTask Signal(HubArgument request)
    {
        var signal = HubArguments.Read<SignalRequest>(request);
        SignalRules.Validate(signal);
        return channels.SignalAsync(Context.ConnectionId, signal);
    }

    public ValueTask<FloorRequestResponse> RequestFloor(HubArgument request)
    {
        HubArguments.ReadEmpty(request);
        return channels.RequestFloorAsync(Context.ConnectionId);
    }

    public ValueTask<FloorChangedEvent> ReleaseFloor(HubArgument request)
    {
        HubArguments.ReadEmpty(request);
        return channels.ReleaseFloorAsync(Context.ConnectionId);
    }

    /// <summary>Fresh TURN credentials for an ICE restart after the ones from Join expired.</summary>
    public IceServersResult RefreshIceServers(HubArgument request)
    {
        HubArguments.ReadEmpty(request);
        return new IceServersResult(ice.For(channels.ParticipantOf(Context.ConnectionId)), ice.TransportPolicy);
    }

    public override async Task OnDisconnectedAsync(Exception? exception) => await channels.DisconnectedAsync(Context.ConnectionId);

    private string Address => clients.Find(Context.ConnectionId)?.Address ?? ClientTable.KeyOf(Context.GetHttpContext()?.Connection.RemoteIpAddress);
}
