using Microsoft.AspNetCore.SignalR;
using Walkie.Server.Channels;
using Walkie.Server.Ice;
using Walkie.Server.Media;
using Walkie.Server.Protection;
using Walkie.Server.Signaling;

namespace Walkie.Server.Hubs;

/// <summary>
/// The wire entry point. Arguments arrive as raw JSON so that a wrong shape gets a coded error
/// instead of SignalR's generic binding failure; everything else is forwarded to the registry.
/// </summary>
internal sealed class ChannelHub(ChannelRegistry channels, SfuSignaling sfu, IceServerProvider ice, ClientTable clients) : Hub<IChannelClient>
{
    private readonly ChannelRegistry _channels = channels;

    public Task<JoinResult> Join(HubArgument request) =>
        sfu.JoinAsync(Context.ConnectionId, Address, HubArguments.Read<JoinRequest>(request), Context.ConnectionAborted);

    /// <summary>SFU channels: publish our microphone to Janus with this offer; the answer is Janus's.</summary>
    public Task<SfuPublishResult> SfuPublish(HubArgument request) =>
        sfu.PublishAsync(Context.ConnectionId, HubArguments.Read<SfuPublishRequest>(request), Context.ConnectionAborted);

    /// <summary>SFU channels: Janus's offer for the connection that plays the channel's floor holder.</summary>
    public Task<SfuListenResult> SfuListen(HubArgument request)
    {
        HubArguments.ReadEmpty(request);
        return sfu.ListenAsync(Context.ConnectionId, Context.ConnectionAborted);
    }

    public Task SfuAnswer(HubArgument request) =>
        sfu.AnswerAsync(Context.ConnectionId, HubArguments.Read<SfuAnswerRequest>(request), Context.ConnectionAborted);

    public void Leave(HubArgument request)
    {
        HubArguments.ReadEmpty(request);
        _channels.Leave(Context.ConnectionId);
    }

    public void Signal(HubArgument request)
    {
        var signal = HubArguments.Read<SignalRequest>(request);
        SignalRules.Validate(signal);
        var (channel, self) = _channels.Find(Context.ConnectionId);
        channel.Relay(self.Id, signal.To!, signal.Description, signal.Candidate);
    }

    public FloorRequestResponse RequestFloor(HubArgument request)
    {
        HubArguments.ReadEmpty(request);
        var (channel, self) = _channels.Find(Context.ConnectionId);
        return channel.RequestFloor(self.Id);
    }

    public FloorChangedEvent ReleaseFloor(HubArgument request)
    {
        HubArguments.ReadEmpty(request);
        var (channel, self) = _channels.Find(Context.ConnectionId);
        return channel.ReleaseFloor(self.Id);
    }

    /// <summary>Fresh TURN credentials for an ICE restart after the ones from Join expired.</summary>
    public IceServersResult RefreshIceServers(HubArgument request)
    {
        HubArguments.ReadEmpty(request);
        var (_, self) = _channels.Find(Context.ConnectionId);
        return new IceServersResult(ice.For(self.Id), ice.TransportPolicy);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        _channels.Disconnected(Context.ConnectionId);
        return Task.CompletedTask;
    }

    private string Address => clients.Find(Context.ConnectionId)?.Address ?? ClientTable.KeyOf(Context.GetHttpContext()?.Connection.RemoteIpAddress);
}
