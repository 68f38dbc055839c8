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
internal sealed partial class ClusterChannels(IGrainFactory grains, ResumeTokens tokens, ClusterNode node, ILogger<ClusterChannels> log) : IChannels
{
    private readonly ILogger _log = log;
    private readonly ConcurrentDictionary<string, LocalMember> _members = new(StringComparer.Ordinal);

    /// <summary>The channels this node has members in, for the lease renewals.</summary>
    public IReadOnlyCollection<string> Channels() => [.. _members.Values.Select(m => m.Channel).Distinct(StringComparer.Ordinal)];

    public IChannelGrain Grain(string channel) => grains.GetGrain<IChannelGrain>(channel);

    public async Task<JoinResult> JoinAsync(string connectionId, string address, JoinRequest request, CancellationToken cancellation)
    {
        var channel = ChannelInput.Channel(request.Channel);
        var name = ChannelInput.Name(request.Name);
        var passcode = ChannelInput.PasscodeHash(request.Passcode);
        var resumeId = tokens.Read(request.Resume) is var (tokenChannel, id) && tokenChannel == channel ? id : null;
        GrainReply<GrainJoined> reply;
        try
        {
            reply = await Call(() => Grain(channel).Join(new GrainJoin(connectionId, node.Id, address, name, passcode, resumeId), node.Reference));
        }
        catch (WalkieError e) when (e.Code == ErrorCodes.ChannelUnavailable)
        {
            // The join may still be carried out after this node stopped waiting for it; it must not seat anyone then.
            Grain(channel).Abandoned(connectionId).Ignore();
            throw;
        }
        var joined = reply.Unwrap();
        // Refused joins lose nothing: only a join that succeeded leaves the channel this connection was in before. The
        // new membership is recorded first, so no renewal names the connection in the old channel after the leave.
        _members.TryGetValue(connectionId, out var previous);
        _members[connectionId] = new LocalMember(channel, joined.Result.Self.Id, joined.Result.Self.Name, joined.ChannelPasscode);
        if (previous is not null && previous.Channel != channel)
        {
            await Call(() => Grain(previous.Channel).Leave(previous.Id, connectionId));
        }
        LogJoined(joined.Result.Self.Id, channel, node.Id);
        return joined.Result;
    }

    public async ValueTask LeaveAsync(string connectionId)
    {
        if (_members.TryRemove(connectionId, out var member))
        {
            await Call(() => Grain(member.Channel).Leave(member.Id, connectionId));
        }
    }

    public async ValueTask DisconnectedAsync(string connectionId)
    {
        if (_members.TryRemove(connectionId, out var member))
        {
            await Call(() => Grain(member.Channel).Disconnected(member.Id, connectionId));
        }
    }

    public string ParticipantOf(string connectionId) => Find(connectionId).Id;

    public async ValueTask SignalAsync(string connectionId, SignalRequest signal) =>
        await OnGrain(connectionId, (grain, member) => grain.Relay(member.Id, connectionId, signal));

    public async ValueTask<FloorRequestResponse> RequestFloorAsync(string connectionId) =>
        await OnGrain(connectionId, (grain, member) => grain.RequestFloor(member.Id, connectionId));

    public async ValueTask<FloorChangedEvent> ReleaseFloorAsync(string connectionId) =>
        await OnGrain(connectionId, (grain, member) => grain.ReleaseFloor(member.Id, connectionId));

    public async Task<SfuPublishResult> SfuPublishAsync(string connectionId, SfuPublishRequest request, CancellationToken cancellation)
    {
        var offer = SdpInput.Read(request.Offer, "offer");
        var answer = await OnGrain(connectionId, (grain, member) => grain.SfuPublish(member.Id, connectionId, offer));
        return new SfuPublishResult(new SessionDescription("answer", answer));
    }

    public async Task<SfuListenResult> SfuListenAsync(string connectionId, CancellationToken cancellation)
    {
        var offer = await OnGrain(connectionId, (grain, member) => grain.SfuListen(member.Id, connectionId));
        return new SfuListenResult(new SessionDescription("offer", offer));
    }

    public async Task SfuAnswerAsync(string connectionId, SfuAnswerRequest request, CancellationToken cancellation)
    {
        var answer = SdpInput.Read(request.Answer, "answer");
        await OnGrain(connectionId, (grain, member) => grain.SfuAnswer(member.Id, connectionId, answer));
    }

    /// <summary>Tells the channel's grain which of this node's connections are its members, making any it lacks.</summary>
    /// <param name="resend">Also have it send them the floor afresh: they may have missed changes.</param>
    public async Task RenewAsync(string channel, bool resend = false)
    {
        var members = _members.Where(m => m.Value.Channel == channel).ToList();
        if (members.Count > 0)
        {
            var renewal = new Renewal(node.Id, members[0].Value.Passcode, [.. members.Select(m => new RenewedMember(m.Value.Id, m.Value.Name, m.Key))], resend);
            await Call(() => Grain(channel).Renew(renewal, node.Reference));
        }
    }

    /// <summary>
    /// A member's call on their channel's grain. A grain that does not know a member this node holds came back empty on
    /// another node after its host died, before this node's next renewal: the renewal is made at once and the call
    /// tried again, so the member notices nothing.
    /// </summary>
    private async Task<T> OnGrain<T>(string connectionId, Func<IChannelGrain, LocalMember, Task<GrainReply<T>>> call)
    {
        var member = Find(connectionId);
        var grain = Grain(member.Channel);
        var reply = await Call(() => call(grain, member));
        if (reply.Code == ErrorCodes.NotJoined && _members.ContainsKey(connectionId))
        {
            await RenewAsync(member.Channel);
            reply = await Call(() => call(grain, member));
        }
        return reply.Unwrap();
    }

    /// <summary>
    /// A grain call that cannot be delivered or is not answered in time (its node just died, and the cluster has not yet
    /// moved the channel) is refused with a code the client retries on, rather than as an internal error.
    /// </summary>
    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            throw Unavailable();
        }
    }

    private static Task Call(Func<Task> call) => Call(async () =>
    {
        await call();
        return true;
    });

    private static WalkieError Unavailable() =>
        new(ErrorCodes.ChannelUnavailable, "this channel did not answer in time: it is busy, or moving to another server after one went down; try again in a moment");

    private LocalMember Find(string connectionId) =>
        _members.TryGetValue(connectionId, out var member) ? member : throw new WalkieError(ErrorCodes.NotJoined, "join a channel first");

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Participant} joined {Channel} on this node ({Node})")]
    private partial void LogJoined(string participant, string channel, string node);
}

/// <param name="Passcode">The channel's passcode hash, renewed with the member so a channel made again stays private.</param>
internal sealed record LocalMember(string Channel, string Id, string Name, byte[]? Passcode);
