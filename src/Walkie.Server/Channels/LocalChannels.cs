using Walkie.Server.Hubs;
using Walkie.Server.Media;

namespace Walkie.Server.Channels;

/// <summary>Every channel in this process: the registry's lock orders joins and leaves, each channel's lock the rest.</summary>
internal sealed class LocalChannels(ChannelRegistry channels, SfuSignaling sfu) : IChannels
{
    public Task<JoinResult> JoinAsync(string connectionId, string address, JoinRequest request, CancellationToken cancellation) =>
        sfu.JoinAsync(connectionId, address, request, cancellation);

    public ValueTask LeaveAsync(string connectionId)
    {
        channels.Leave(connectionId);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisconnectedAsync(string connectionId)
    {
        channels.Disconnected(connectionId);
        return ValueTask.CompletedTask;
    }

    public string ParticipantOf(string connectionId) => channels.Find(connectionId).Self.Id;

    public ValueTask SignalAsync(string connectionId, SignalRequest signal)
    {
        var (channel, self) = channels.Find(connectionId);
        channel.Relay(self.Id, signal.To!, signal.Description, signal.Candidate);
        return ValueTask.CompletedTask;
    }

    public ValueTask<FloorRequestResponse> RequestFloorAsync(string connectionId)
    {
        var (channel, self) = channels.Find(connectionId);
        return ValueTask.FromResult(channel.RequestFloor(self.Id));
    }

    public ValueTask<FloorChangedEvent> ReleaseFloorAsync(string connectionId)
    {
        var (channel, self) = channels.Find(connectionId);
        return ValueTask.FromResult(channel.ReleaseFloor(self.Id));
    }

    public Task<SfuPublishResult> SfuPublishAsync(string connectionId, SfuPublishRequest request, CancellationToken cancellation) =>
        sfu.PublishAsync(connectionId, request, cancellation);

    public Task<SfuListenResult> SfuListenAsync(string connectionId, CancellationToken cancellation) =>
        sfu.ListenAsync(connectionId, cancellation);

    public Task SfuAnswerAsync(string connectionId, SfuAnswerRequest request, CancellationToken cancellation) =>
        sfu.AnswerAsync(connectionId, request, cancellation);
}
