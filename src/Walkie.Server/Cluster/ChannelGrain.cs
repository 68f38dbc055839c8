using Microsoft.Extensions.Options;
using Walkie.Server.Channels;
using Walkie.Server.Hubs;
using Walkie.Server.Ice;
using Walkie.Server.Media;
using Walkie.Server.Protection;

namespace Walkie.Server.Cluster;

/// <summary>
/// A channel as a grain: the same <see cref="Channel"/> (members, floor, media) as on a single node, inside one
/// activation. Its state is soft: each node renews the members it holds, so an activation lost with its node is
/// rebuilt on another by the next renewals, and members whose node stopped renewing are dropped after the lease.
/// Sends go through SignalR's Redis backplane, which reaches a connection on whichever node holds it.
/// </summary>
// Never collected for idleness: a channel nobody spoke in for a while still has its members, and only empties itself.
[KeepAlive]
internal sealed partial class ChannelGrain(
    IOptions<WalkieOptions> options,
    TimeProvider time,
    IChannelClients clients,
    IceServerProvider ice,
    ClientTable addresses,
    ResumeTokens tokens,
    IChannelMediaFactory media,
    SfuRooms rooms,
    ClusterNode host,
    ILogger<ChannelGrain> log) : Grain, IChannelGrain
{
    private readonly WalkieOptions _options = options.Value;
    private readonly ChannelAdmission _admission = new(addresses, media);

    /// <summary>Which node each member's connection is on: the node whose lease keeps them.</summary>
    private readonly Dictionary<string, string> _nodeOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _renewedAt = new(StringComparer.Ordinal);

    /// <summary>How to reach each node that has members here; as many as the cluster has nodes.</summary>
    private readonly Dictionary<string, INodeConnections> _nodes = new(StringComparer.Ordinal);

    /// <summary>
    /// Members who left, for a lease: a renewal its node sent before it learned of the leave must not bring them back.
    /// </summary>
    private readonly Dictionary<string, DateTimeOffset> _left = new(StringComparer.Ordinal);
    private Channel? _channel;
    private bool _chargedCreator;
    private bool _hosted;
    private IDisposable? _leaseCheck;

    /// <summary>
    /// How long a join waits for Janus inside the channel's turn. Everyone else's calls to the channel queue behind it,
    /// and callers give up after 5 s (Orleans's response timeout): past this the joiner is refused with sfu-unavailable,
    /// and retries, rather than the whole channel stalling while Janus comes back.
    /// </summary>
    private static readonly TimeSpan JanusWait = TimeSpan.FromSeconds(3);

    /// <summary>How long a member's publish, listen or answer may take; they interleave, so nobody else waits.</summary>
    private static readonly TimeSpan JanusCallWait = TimeSpan.FromSeconds(4);

    private string Name => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var every = _options.Cluster.Lease / 4;
        _leaseCheck = this.RegisterGrainTimer(ExpireLeases, new GrainTimerCreationOptions(every, every));
        LogActivated(Name);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _leaseCheck?.Dispose();
        if (_channel is { } channel)
        {
            Close(channel);
        }
        return Task.CompletedTask;
    }

    public async Task<GrainReply<GrainJoined>> Join(GrainJoin join, INodeConnections node)
    {
        var reply = await AnswerAsync(() => JoinAsync(join, node));
        if (_channel is null)
        {
            // A refused first joiner leaves nothing behind.
            DeactivateOnIdle();
        }
        return reply;
    }

    private async Task<GrainJoined> JoinAsync(GrainJoin join, INodeConnections node)
    {
        if (join.ResumeId is { } back && _channel is { } current && current.Has(back))
        {
            // One connection holds one seat: a seat it held before under another id is given up.
            if (current.MemberOn(join.ConnectionId) is { } other && other != back)
            {
                Remove(other);
            }
            var oldNode = _nodeOf.GetValueOrDefault(back);
            var (snapshot, replaced) = current.Resume(back, join.ConnectionId, ice.For(back), ice.TransportPolicy, tokens.Issue(Name, back));
            if (replaced is not null && replaced != join.ConnectionId && oldNode is not null && _nodes.TryGetValue(oldNode, out var old))
            {
                // Closed at once, wherever it is, so the old connection can neither act for the member nor keep them twice.
                old.Close(replaced).Ignore();
            }
            Seat(back, join.Node, node);
            return new(snapshot, current.PasscodeHash);
        }
        var rejoining = _channel?.MemberOn(join.ConnectionId);
        if (_channel is { } existing)
        {
            _admission.CheckPasscode(existing, join.Address, join.Passcode);
            if (_admission.MustGrow(existing, existing.Count - (rejoining is null ? 0 : 1) + 1))
            {
                await GrowAsync(existing);
            }
        }
        else if (!host.TryHost(force: false))
        {
            throw new WalkieError(ErrorCodes.ServerFull, $"this server already has {_options.MaxChannels} channels");
        }
        else if (!addresses.TryCreateChannel(join.Address))
        {
            host.Unhost();
            throw new WalkieError(ErrorCodes.ChannelLimit, $"your address already started {_options.MaxChannelsPerAddress} channels that are still open");
        }
        else
        {
            _channel = NewChannel(join.Passcode, join.Address, hosted: true);
            _chargedCreator = true;
        }
        if (rejoining is not null)
        {
            Remove(rejoining, forgetIfEmpty: false);
        }
        // Empty only when its one member joined it again: it starts afresh, with them.
        var channel = _channel ??= NewChannel(join.Passcode, join.Address, hosted: host.TryHost(force: true));
        // A token for a seat this activation does not know (its node died, and the seat with it) takes the seat back
        // under the same id: the token proves it, and nobody else can hold that id. A seat that was given up (left, or
        // away past the grace) stays given up: its owner joins afresh. Alone, no activation is ever lost that way.
        var id = join.ResumeId is { } resumed && _options.Cluster.Enabled && !_left.ContainsKey(resumed)
            ? resumed
            : ChannelAdmission.NewParticipantId();
        var self = new Participant(id, ChannelInput.Distinct(join.Name, channel.MemberNames()), join.ConnectionId);
        var result = channel.Add(self, ice.For(id), ice.TransportPolicy, tokens.Issue(Name, id));
        Seat(id, join.Node, node);
        if (channel.Media is SfuRoom room)
        {
            try
            {
                await ReadyAsync(room);
            }
            catch (WalkieError)
            {
                Remove(id);
                throw;
            }
        }
        return new(result, channel.PasscodeHash);
    }

    /// <summary>The channel outgrew its mesh: Janus makes its room first, and only then does the channel move to it.</summary>
    private async Task GrowAsync(Channel channel)
    {
        var room = rooms.Prepare(Name);
        try
        {
            await ReadyAsync(room);
        }
        catch
        {
            room.Close();
            throw;
        }
        channel.SwitchMedia(room);
        rooms.Adopted(room);
    }

    public Task Leave(string participantId, string connectionId)
    {
        if (IsOn(participantId, connectionId))
        {
            Remove(participantId);
        }
        return Task.CompletedTask;
    }

    public Task Disconnected(string participantId, string connectionId)
    {
        if (IsOn(participantId, connectionId))
        {
            if (_options.Resume.Grace <= TimeSpan.Zero)
            {
                Remove(participantId);
            }
            else
            {
                _channel!.Away(participantId);
            }
        }
        return Task.CompletedTask;
    }

    public Task<GrainReply<bool>> Relay(string participantId, string connectionId, SignalRequest signal) => Answer(() =>
    {
        Member(participantId, connectionId).Relay(participantId, signal.To!, signal.Description, signal.Candidate);
        return true;
    });

    public Task<GrainReply<FloorRequestResponse>> RequestFloor(string participantId, string connectionId) =>
        Answer(() => Member(participantId, connectionId).RequestFloor(participantId));

    public Task<GrainReply<FloorChangedEvent>> ReleaseFloor(string participantId, string connectionId) =>
        Answer(() => Member(participantId, connectionId).ReleaseFloor(participantId));

    public Task Renew(Renewal renewal, INodeConnections node)
    {
        _renewedAt[renewal.Node] = time.GetUtcNow();
        _nodes[renewal.Node] = node;
        foreach (var member in renewal.Members)
        {
            if (_left.ContainsKey(member.Id) || (_channel is { } other && !SamePasscode(other.PasscodeHash, renewal.Passcode)))
            {
                // Gone already, or a channel of the same name that someone else started while this one was being
                // rebuilt: a private channel's members are never merged into it. Their calls get not-joined.
                continue;
            }
            // Made only for a member who is let in, so a renewal of nobody leaves no empty channel behind.
            var channel = _channel ??= NewChannel(renewal.Passcode, createdBy: "", hosted: host.TryHost(force: true));
            if (channel.Has(member.Id))
            {
                if (renewal.Resend)
                {
                    channel.SendFloorTo(member.Id);
                }
                continue;
            }
            // Rebuilding after the activation was lost: back in under their id and name, and told the floor afresh,
            // since what they last heard of it came from the lost activation.
            channel.Add(new Participant(member.Id, ChannelInput.Distinct(member.Name, channel.MemberNames()), member.ConnectionId), ice.For(member.Id), ice.TransportPolicy, tokens.Issue(Name, member.Id));
            channel.SendFloorTo(member.Id);
            if (channel.Media is SfuRoom)
            {
                // The rebuilt channel has its own Janus room: whatever media the member had is dead.
                channel.SendMediaTo(member.Id);
            }
            Seat(member.Id, renewal.Node, node);
            LogRestored(member.Id, Name, renewal.Node);
        }
        return Task.CompletedTask;
    }

    public Task GraceEnded(string participantId)
    {
        if (_channel?.IsAway(participantId) == true)
        {
            Remove(participantId);
        }
        return Task.CompletedTask;
    }

    public Task<GrainReply<string>> SfuPublish(string participantId, string connectionId, string offer) =>
        AnswerAsync(() => WithinJanusCallWait(wait => Room(participantId, connectionId).PublishAsync(participantId, offer, wait)));

    public Task<GrainReply<string>> SfuListen(string participantId, string connectionId) =>
        AnswerAsync(() => WithinJanusCallWait(wait => Room(participantId, connectionId).ListenAsync(participantId, wait)));

    public Task<GrainReply<bool>> SfuAnswer(string participantId, string connectionId, string answer) =>
        AnswerAsync(() => WithinJanusCallWait(async wait =>
        {
            await Room(participantId, connectionId).AnswerAsync(participantId, answer, wait);
            return true;
        }));

    /// <summary>A member's own call to Janus gives up before its caller does (5 s), so they hear sfu-unavailable.</summary>
    private async Task<T> WithinJanusCallWait<T>(Func<CancellationToken, Task<T>> call)
    {
        using var wait = new CancellationTokenSource(JanusCallWait, time);
        return await call(wait.Token);
    }

    public Task Abandoned(string connectionId)
    {
        if (_channel?.MemberOn(connectionId) is { } participantId)
        {
            Remove(participantId);
        }
        return Task.CompletedTask;
    }

    private Task ExpireLeases(CancellationToken cancellation)
    {
        var now = time.GetUtcNow();
        foreach (var (id, at) in _left.Where(l => now - l.Value > _options.Cluster.Lease).ToList())
        {
            _left.Remove(id);
        }
        if (!_options.Cluster.Enabled)
        {
            // Alone: every member is on this node, which renews nobody.
            return Task.CompletedTask;
        }
        foreach (var (node, at) in _renewedAt.Where(r => now - r.Value > _options.Cluster.Lease).ToList())
        {
            _renewedAt.Remove(node);
            _nodes.Remove(node);
            var lost = _nodeOf.Where(m => m.Value == node).Select(m => m.Key).ToList();
            LogLeaseExpired(Name, node, lost.Count);
            foreach (var participantId in lost)
            {
                Remove(participantId);
            }
        }
        return Task.CompletedTask;
    }

    private Channel NewChannel(byte[]? passcode, string createdBy, bool hosted)
    {
        _hosted = hosted;
        // Counted from the clock, so a channel made again after its activation was lost starts past the old counts.
        var firstSeq = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        var self = this.AsReference<IChannelGrain>();
        return new Channel(
            Name, passcode, createdBy, _options, time, clients, log, (_, id) => self.GraceEnded(id).Ignore(), media.Create(Name), firstSeq);
    }

    private void Seat(string participantId, string node, INodeConnections connections)
    {
        _nodeOf[participantId] = node;
        _nodes[node] = connections;
        _left.Remove(participantId);
        // A node just seating someone is alive: an old timestamp from before must not expire them at the next check.
        _renewedAt[node] = time.GetUtcNow();
    }

    private static bool SamePasscode(byte[]? a, byte[]? b) =>
        a is null ? b is null : b is not null && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(a, b);

    private bool IsOn(string participantId, string connectionId) => _channel?.ConnectionOf(participantId) == connectionId;

    private Channel Member(string participantId, string connectionId) =>
        IsOn(participantId, connectionId) ? _channel! : throw new WalkieError(ErrorCodes.NotJoined, "you are not in this channel any more");

    private SfuRoom Room(string participantId, string connectionId) =>
        Member(participantId, connectionId).Media as SfuRoom
            ?? throw new WalkieError(ErrorCodes.NotSfu, "this channel is a mesh: connect to the others with Signal");

    private void Remove(string participantId, bool forgetIfEmpty = true)
    {
        _nodeOf.Remove(participantId);
        _left[participantId] = time.GetUtcNow();
        if (_channel is { } channel && channel.Remove(participantId) == 0)
        {
            Close(channel);
            if (forgetIfEmpty)
            {
                // An empty channel is forgotten with its passcode, so the next joiner starts it afresh.
                DeactivateOnIdle();
            }
        }
    }

    private void Close(Channel channel)
    {
        channel.Close();
        if (_chargedCreator)
        {
            addresses.ChannelRemoved(channel.CreatedBy);
        }
        if (_hosted)
        {
            host.Unhost();
        }
        _channel = null;
        _chargedCreator = false;
        _hosted = false;
        _nodeOf.Clear();
        _renewedAt.Clear();
        _nodes.Clear();
    }

    private async Task ReadyAsync(SfuRoom room)
    {
        using var wait = new CancellationTokenSource(JanusWait, time);
        await room.ReadyAsync(wait.Token);
    }

    private static async Task<GrainReply<T>> AnswerAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return new GrainReply<T>(await call());
        }
        catch (WalkieError e)
        {
            return GrainReply<T>.Refused(e);
        }
    }

    private static Task<GrainReply<T>> Answer<T>(Func<T> call)
    {
        try
        {
            return Task.FromResult(new GrainReply<T>(call()));
        }
        catch (WalkieError e)
        {
            return Task.FromResult(GrainReply<T>.Refused(e));
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Channel {Channel} is hosted on this node")]
    private partial void LogActivated(string channel);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Participant} restored to {Channel} by node {Node}'s renewal")]
    private partial void LogRestored(string participant, string channel, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} stopped renewing {Channel}: {Count} members removed")]
    private partial void LogLeaseExpired(string channel, string node, int count);
}
