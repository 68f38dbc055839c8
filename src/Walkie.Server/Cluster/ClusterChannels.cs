using System.Collections.Concurrent;
using Walkie.Server.Channels;
using Walkie.Server.Hubs;
using Walkie.Server.Media;

namespace Walkie.Server.Cluster;

/// <summary>
/// Channels in a cluster, as one node's hub sees them: which of this node's connections is which member of which
/// channel, and a call to that channel's grain for everything else. Input is checked here, before it crosses the
/// network; the grain decides.
/// </summary>
internal sealed class ClusterChannels(IGrainFactory grains, ResumeTokens tokens, ClusterNode node) : IChannels
{
    private readonly ConcurrentDictionary<string, LocalMember> _members = new(StringComparer.Ordinal);

    /// <summary>This node's connected members, by channel, for the lease renewals.</summary>
    public IEnumerable<IGrouping<string, (string ConnectionId, LocalMember Member)>> ByChannel() =>
        _members.Select(m => (m.Key, m.Value)).GroupBy(m => m.Value.Channel, StringComparer.Ordinal);

    public IChannelGrain Grain(string channel) => grains.GetGrain<IChannelGrain>(channel);

    public async Task<JoinResult> JoinAsync(string connectionId, string address, JoinRequest request, CancellationToken cancellation)
    {
        var channel = ChannelInput.Channel(request.Channel);
        var name = ChannelInput.Name(request.Name);
        var passcode = ChannelInput.PasscodeHash(request.Passcode);
        var resumeId = tokens.Read(request.Resume) is var (tokenChannel, id) && tokenChannel == channel ? id : null;
        var joined = (await Grain(channel).Join(new GrainJoin(connectionId, node.Id, address, name, passcode, resumeId))).Unwrap();
        // Refused joins lose nothing: only a join that succeeded leaves the channel this connection was in before.
        if (_members.TryGetValue(connectionId, out var previous) && previous.Channel != channel)
        {
            await Grain(previous.Channel).Leave(previous.Id, connectionId);
        }
        _members[connectionId] = new LocalMember(channel, joined.Result.Self.Id, joined.Result.Self.Name, joined.ChannelPasscode);
        return joined.Result;
    }

    public async ValueTask LeaveAsync(string connectionId)
    {
        if (_members.TryRemove(connectionId, out var member))
        {
            await Grain(member.Channel).Leave(member.Id, connectionId);
        }
    }

    public async ValueTask DisconnectedAsync(string connectionId)
    {
        if (_members.TryRemove(connectionId, out var member))
        {
            await Grain(member.Channel).Disconnected(member.Id, connectionId);
        }
    }

    public string ParticipantOf(string connectionId) => Find(connectionId).Id;

    public async ValueTask SignalAsync(string connectionId, SignalRequest signal)
    {
        var member = Find(connectionId);
        (await Grain(member.Channel).Relay(member.Id, connectionId, signal)).Unwrap();
    }

    public async ValueTask<FloorRequestResponse> RequestFloorAsync(string connectionId)
    {
        var member = Find(connectionId);
        return (await Grain(member.Channel).RequestFloor(member.Id, connectionId)).Unwrap();
    }

    public async ValueTask<FloorChangedEvent> ReleaseFloorAsync(string connectionId)
    {
        var member = Find(connectionId);
        return (await Grain(member.Channel).ReleaseFloor(member.Id, connectionId)).Unwrap();
    }

    public async Task<SfuPublishResult> SfuPublishAsync(string connectionId, SfuPublishRequest request, CancellationToken cancellation)
    {
        var offer = SfuSignaling.Sdp(request.Offer, "offer");
        var member = Find(connectionId);
        var answer = (await Grain(member.Channel).SfuPublish(member.Id, connectionId, offer)).Unwrap();
        return new SfuPublishResult(new SessionDescription("answer", answer));
    }

    public async Task<SfuListenResult> SfuListenAsync(string connectionId, CancellationToken cancellation)
    {
        var member = Find(connectionId);
        var offer = (await Grain(member.Channel).SfuListen(member.Id, connectionId)).Unwrap();
        return new SfuListenResult(new SessionDescription("offer", offer));
    }

    public async Task SfuAnswerAsync(string connectionId, SfuAnswerRequest request, CancellationToken cancellation)
    {
        var answer = SfuSignaling.Sdp(request.Answer, "answer");
        var member = Find(connectionId);
        (await Grain(member.Channel).SfuAnswer(member.Id, connectionId, answer)).Unwrap();
    }

    private LocalMember Find(string connectionId) =>
        _members.TryGetValue(connectionId, out var member) ? member : throw new WalkieError(ErrorCodes.NotJoined, "join a channel first");
}

/// <param name="Passcode">The channel's passcode hash, renewed with the member so a channel made again stays private.</param>
internal sealed record LocalMember(string Channel, string Id, string Name, byte[]? Passcode);

/// <summary>This process in the cluster. A restarted process is a new node: nothing of the old one's leases carries over.</summary>
internal sealed class ClusterNode
{
    public string Id { get; } = Guid.NewGuid().ToString("N")[..12];
}
