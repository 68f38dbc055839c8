using Microsoft.Extensions.Options;
using Orleans.GrainDirectory;
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
[GrainDirectory(GrainDirectoryName = Directory)]
internal sealed partial class ChannelGrain(
    IOptions<WalkieOptions> options,
    TimeProvider time,
    IChannelClients clients,
    IceServerProvider ice,
    ClientTable addresses,
    ResumeTokens tokens,
    IChannelMediaFactory media,
    SfuRooms rooms,
    ILogger<ChannelGrain> log) : Grain, IChannelGrain
{
    public const string Directory = "channels";

    private readonly WalkieOptions _options = options.Value;
    private readonly ChannelAdmission _admission = new(addresses, media);

    /// <summary>Which node each member's connection is on: the node whose lease keeps them.</summary>
    private readonly Dictionary<string, string> _nodeOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _renewedAt = new(StringComparer.Ordinal);

    /// <summary>
    /// Members who left, for a lease: a renewal its node sent before it learned of the leave must not bring them back.
    /// </summary>
    private readonly Dictionary<string, DateTimeOffset> _left = new(StringComparer.Ordinal);
    private Channel? _channel;
    private bool _chargedCreator;
    private IDisposable? _leaseCheck;

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

    public Task<GrainReply<GrainJoined>> Join(GrainJoin join) => AnswerAsync(() => JoinAsync(join));

    private async Task<GrainJoined> JoinAsync(GrainJoin join)
    {
        if (join.ResumeId is { } back && _channel is { } current && current.Has(back))
        {
            // One connection holds one seat: a seat it held before under another id is given up.
            if (current.MemberOn(join.ConnectionId) is { } other && other != back)
            {
                Remove(other);
            }
            var (snapshot, _) = current.Resume(back, join.ConnectionId, ice.For(back), ice.TransportPolicy, tokens.Issue(Name, back));
            Seat(back, join.Node);
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
        else if (!addresses.TryCreateChannel(join.Address))
        {
            throw new WalkieError(ErrorCodes.ChannelLimit, $"your address already started {_options.MaxChannelsPerAddress} channels that are still open");
        }
        else
        {
            _channel = NewChannel(join.Passcode, join.Address);
            _chargedCreator = true;
        }
        if (rejoining is not null)
        {
            Remove(rejoining);
        }
        var channel = _channel ??= NewChannel(join.Passcode, join.Address);
        // A token for a seat this activation does not know (its node died, and the seat with it) takes the seat back
        // under the same id: the token proves it, and nobody else can hold that id.
        var id = join.ResumeId ?? ChannelAdmission.NewParticipantId();
        var self = new Participant(id, ChannelInput.Distinct(join.Name, channel.MemberNames()), join.ConnectionId);
        var result = channel.Add(self, ice.For(id), ice.TransportPolicy, tokens.Issue(Name, id));
        Seat(id, join.Node);
        if (channel.Media is SfuRoom room)
        {
            try
            {
                await room.ReadyAsync(CancellationToken.None);
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
            await room.ReadyAsync(CancellationToken.None);
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

    public Task Renew(Renewal renewal)
    {
        _renewedAt[renewal.Node] = time.GetUtcNow();
        foreach (var member in renewal.Members)
        {
            var channel = _channel ??= NewChannel(renewal.Passcode, createdBy: "");
            if (_left.ContainsKey(member.Id) || !SamePasscode(channel.PasscodeHash, renewal.Passcode))
            {
                // Gone already, or a channel of the same name that someone else started while this one was being
                // rebuilt: a private channel's members are never merged into it. Their calls get not-joined.
                continue;
            }
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
            channel.Add(new Participant(member.Id, member.Name, member.ConnectionId), ice.For(member.Id), ice.TransportPolicy, tokens.Issue(Name, member.Id));
            channel.SendFloorTo(member.Id);
            if (channel.Media is SfuRoom)
            {
                // The rebuilt channel has its own Janus room: whatever media the member had is dead.
                channel.SendMediaTo(member.Id);
            }
            Seat(member.Id, renewal.Node);
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
        AnswerAsync(() => Room(participantId, connectionId).PublishAsync(participantId, offer, CancellationToken.None));

    public Task<GrainReply<string>> SfuListen(string participantId, string connectionId) =>
        AnswerAsync(() => Room(participantId, connectionId).ListenAsync(participantId, CancellationToken.None));

    public Task<GrainReply<bool>> SfuAnswer(string participantId, string connectionId, string answer) =>
        AnswerAsync(async () =>
        {
            await Room(participantId, connectionId).AnswerAsync(participantId, answer, CancellationToken.None);
            return true;
        });

    private Task ExpireLeases(CancellationToken cancellation)
    {
        var now = time.GetUtcNow();
        foreach (var (id, at) in _left.Where(l => now - l.Value > _options.Cluster.Lease).ToList())
        {
            _left.Remove(id);
        }
        foreach (var (node, at) in _renewedAt.Where(r => now - r.Value > _options.Cluster.Lease).ToList())
        {
            _renewedAt.Remove(node);
            var lost = _nodeOf.Where(m => m.Value == node).Select(m => m.Key).ToList();
            LogLeaseExpired(Name, node, lost.Count);
            foreach (var participantId in lost)
            {
                Remove(participantId);
            }
        }
        return Task.CompletedTask;
    }

    private Channel NewChannel(byte[]? passcode, string createdBy)
    {
        // Counted from the clock, so a channel made again after its activation was lost starts past the old counts.
        var firstSeq = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        var self = this.AsReference<IChannelGrain>();
        return new Channel(
            Name, passcode, createdBy, _options, time, clients, log, (_, id) => self.GraceEnded(id).Ignore(), media.Create(Name), firstSeq);
    }

    private void Seat(string participantId, string node)
    {
        _nodeOf[participantId] = node;
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

    private void Remove(string participantId)
    {
        _nodeOf.Remove(participantId);
        _left[participantId] = time.GetUtcNow();
        if (_channel is { } channel && channel.Remove(participantId) == 0)
        {
            Close(channel);
            // An empty channel is forgotten with its passcode, so the next joiner starts it afresh.
            DeactivateOnIdle();
        }
    }

    private void Close(Channel channel)
    {
        channel.Close();
        if (_chargedCreator)
        {
            addresses.ChannelRemoved(channel.CreatedBy);
        }
        _channel = null;
        _chargedCreator = false;
        _nodeOf.Clear();
        _renewedAt.Clear();
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
