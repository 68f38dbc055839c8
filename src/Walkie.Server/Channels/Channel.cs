using Walkie.Server.Floor;
using Walkie.Server.Signaling;
using Walkie.Server.Hubs;

namespace Walkie.Server.Channels;

internal sealed record Participant(string Id, string Name, string ConnectionId)
{
    public ParticipantInfo Info { get; } = new(Id, Name);
}

/// <summary>
/// One channel: its members, its passcode and its floor. Every method takes the channel's lock, so membership,
/// the floor and the order of events sent to members change together. Sends are started under the lock and not
/// awaited: SignalR queues writes per connection in call order, and a slow member cannot stall the channel
/// (the outbox cuts off one whose backlog grows past its bound).
/// </summary>
internal sealed partial class Channel
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Participant> _members = new(StringComparer.Ordinal);

    /// <summary>Members whose connection dropped, each with the timer that ends their resume grace.</summary>
    private readonly Dictionary<string, ITimer> _away = new(StringComparer.Ordinal);
    private readonly FloorControl _floor;
    private readonly WalkieOptions _options;
    private readonly TimeProvider _time;
    private readonly IChannelClients _clients;
    private readonly ILogger _log;
    private readonly Action<Channel, string> _graceEnded;
    private IChannelMedia _media;
    private ITimer? _timer;

    /// <summary>Counts the channel's events, so a client can drop one it learns of after a newer one.</summary>
    private long _seq;

    /// <summary>The count at the last floor change: what floors in answers and snapshots carry.</summary>
    private long _floorSeq;
    private long _timerGrant;

    /// <param name="graceEnded">Called, outside the lock, when an away member's resume grace is over.</param>
    /// <param name="firstSeq">
    /// Where the floor's change count starts. A channel made again under the same name after its old copy was lost (a
    /// cluster node died) starts past every count the old one can have reached, so clients never drop its floors as stale.
    /// </param>
    public Channel(
        string name,
        byte[]? passcodeHash,
        string createdBy,
        WalkieOptions options,
        TimeProvider time,
        IChannelClients clients,
        ILogger log,
        Action<Channel, string> graceEnded,
        IChannelMedia media,
        long firstSeq = 0)
    {
        _seq = _floorSeq = firstSeq;
        _graceEnded = graceEnded;
        _media = media;
        Name = name;
        PasscodeHash = passcodeHash;
        CreatedBy = createdBy;
        _options = options;
        _time = time;
        _clients = clients;
        _log = log;
        _floor = new FloorControl(
            new FloorRules(options.TransmitLimit, options.FloorQueue, options.MaxFloorQueue, options.RekeyDelay), time, _lock);
        media.Interrupted += MediaInterrupted;
        media.Renewed += MediaRenewed;
    }

    public string Name { get; }

    /// <summary>The address that created the channel, charged with it until the channel is gone.</summary>
    public string CreatedBy { get; }

    public byte[]? PasscodeHash { get; }

    public IChannelMedia Media
    {
        get { lock (_lock) { return _media; } }
    }

    public int Count
    {
        get { lock (_lock) { return _members.Count; } }
    }

    public IReadOnlyList<string> MemberNames()
    {
        lock (_lock) { return [.. _members.Values.Select(m => m.Name)]; }
    }

    public bool Has(string participantId)
    {
        lock (_lock) { return _members.ContainsKey(participantId); }
    }

    /// <summary>The connection the member is on now; null for someone who is not a member.</summary>
    public string? ConnectionOf(string participantId)
    {
        lock (_lock) { return _members.GetValueOrDefault(participantId)?.ConnectionId; }
    }

    /// <summary>The member on this connection, if any.</summary>
    public string? MemberOn(string connectionId)
    {
        lock (_lock) { return _members.Values.FirstOrDefault(m => m.ConnectionId == connectionId)?.Id; }
    }

    /// <summary>Tells one member to build their media again, for someone whose media was lost with the channel's copy.</summary>
    public void SendMediaTo(string participantId)
    {
        lock (_lock)
        {
            if (_members.TryGetValue(participantId, out var member))
            {
                var changed = new MediaChangedEvent(_media.Topology, ++_seq);
                _clients.Send(member.ConnectionId, OutboxSize.Small, c => c.MediaChanged(changed));
            }
        }
    }

    /// <summary>Tells one member the floor as it is, for someone whose view of it may be stale.</summary>
    public void SendFloorTo(string participantId)
    {
        lock (_lock)
        {
            if (_members.TryGetValue(participantId, out var member))
            {
                // A fresh count: the member may have seen later events than the floor's own, and would drop it.
                _floorSeq = ++_seq;
                var floor = FloorEvent(_floor.State);
                _clients.Send(member.ConnectionId, OutboxSize.Of(floor), c => c.FloorChanged(floor));
            }
        }
    }

    public JoinResult Add(Participant joiner, IReadOnlyList<IceServer> iceServers, string iceTransportPolicy, string resumeToken)
    {
        lock (_lock)
        {
            var snapshot = Snapshot(joiner, iceServers, iceTransportPolicy, resumeToken, resumed: false);
            var joined = new ParticipantJoinedEvent(joiner.Id, joiner.Name, ++_seq);
            SendAll(OutboxSize.Participant, c => c.ParticipantJoined(joined));
            _members.Add(joiner.Id, joiner);
            _media.MemberJoined(joiner.Id);
            LogJoined(joiner.Id, Name, _members.Count);
            return snapshot;
        }
    }

    /// <summary>
    /// The channel outgrew its media: the new one, already made ready, takes every member and the floor holder, and the
    /// members present are told to rebuild their audio on it. Nobody leaves: ids, the floor and its queue stay as they are.
    /// </summary>
    public void SwitchMedia(IChannelMedia media)
    {
        lock (_lock)
        {
            var old = _media;
            old.Interrupted -= MediaInterrupted;
            old.Renewed -= MediaRenewed;
            _media = media;
            media.Interrupted += MediaInterrupted;
            media.Renewed += MediaRenewed;
            foreach (var id in _members.Keys)
            {
                media.MemberJoined(id);
            }
            media.FloorHolder(_floor.State is FloorState.Held held ? held.Holder : null);
            old.Close();
            var changed = new MediaChangedEvent(media.Topology, ++_seq);
            SendAll(OutboxSize.Small, c => c.MediaChanged(changed));
            LogSwitched(Name, media.Topology, _members.Count);
        }
    }

    /// <summary>The media went away: members present learn that nobody hears anybody until it is renewed.</summary>
    private void MediaInterrupted()
    {
        lock (_lock)
        {
            var interrupted = new MediaChangedEvent(_media.Topology, ++_seq);
            SendAll(OutboxSize.Small, c => c.MediaInterrupted(interrupted));
            LogMediaInterrupted(Name, _members.Count);
        }
    }

    /// <summary>The media was rebuilt with the same topology: members present connect to it again, as after a switch.</summary>
    private void MediaRenewed()
    {
        lock (_lock)
        {
            var renewed = new MediaChangedEvent(_media.Topology, ++_seq);
            SendAll(OutboxSize.Small, c => c.MediaChanged(renewed));
        }
    }

    /// <summary>
    /// A member comes back on a new connection. Whatever connection they had is replaced, so nobody ever appears
    /// twice; the others get ParticipantJoined with the same id, meaning "back, on a new connection". A holder's
    /// floor is released: whoever was on air on the old connection is not on air on this one.
    /// </summary>
    /// <returns>The snapshot, and the replaced connection if it was still open, for the caller to close.</returns>
    public (JoinResult Snapshot, string? Replaced) Resume(
        string participantId, string connectionId, IReadOnlyList<IceServer> iceServers, string iceTransportPolicy, string resumeToken)
    {
        lock (_lock)
        {
            var old = _members[participantId];
            string? replaced = null;
            if (_away.Remove(participantId, out var grace))
            {
                grace.Dispose();
            }
            else
            {
                replaced = old.ConnectionId;
                Apply(_floor.Away(participantId));
            }
            _floor.Back(participantId);
            var back = old with { ConnectionId = connectionId };
            _members[participantId] = back;
            var returned = new ParticipantJoinedEvent(back.Id, back.Name, ++_seq);
            SendAll(OutboxSize.Participant, c => c.ParticipantJoined(returned), except: participantId);
            LogResumed(participantId, Name);
            return (Snapshot(back, iceServers, iceTransportPolicy, resumeToken, resumed: true), replaced);
        }
    }

    /// <summary>
    /// The member's connection dropped without a Leave. They stay, marked away, for the resume grace: their name is
    /// reserved and a queued place kept, but they lose the floor at once.
    /// </summary>
    public void Away(string participantId)
    {
        lock (_lock)
        {
            if (!_members.ContainsKey(participantId) || _away.ContainsKey(participantId))
            {
                return;
            }
            _away[participantId] = _time.CreateTimer(
                id => _graceEnded(this, (string)id!), participantId, _options.Resume.Grace, Timeout.InfiniteTimeSpan);
            LogAway(participantId, Name);
            var away = new ParticipantAwayEvent(participantId, ++_seq);
            SendAll(OutboxSize.Participant, c => c.ParticipantAway(away));
            Apply(_floor.Away(participantId));
        }
    }

    public bool IsAway(string participantId)
    {
        lock (_lock) { return _away.ContainsKey(participantId); }
    }

    private JoinResult Snapshot(Participant self, IReadOnlyList<IceServer> iceServers, string iceTransportPolicy, string resumeToken, bool resumed) =>
        new(
            self.Info,
            Name,
            PasscodeHash is not null,
            [.. _members.Values.Where(m => m.Id != self.Id).Select(m => m.Info)],
            [.. _away.Keys.Where(id => id != self.Id)],
            FloorEvent(_floor.State),
            iceServers,
            iceTransportPolicy,
            new ChannelLimits(
                _media.MaxMembers,
                (long)_options.TransmitLimit.TotalMilliseconds,
                _options.FloorQueue,
                SignalRules.MaxSdpBytes,
                SignalRules.MaxCandidateBytes,
                (long)_options.KeepAliveInterval.TotalMilliseconds,
                (long)_options.ClientTimeoutInterval.TotalMilliseconds,
                (long)_options.Resume.Grace.TotalMilliseconds),
            SignalRules.NegotiationRule,
            resumeToken,
            resumed,
            new MediaInfo(_media.Topology),
            _seq);

    /// <returns>The number of members left.</returns>
    public int Remove(string participantId)
    {
        lock (_lock)
        {
            if (!_members.Remove(participantId, out var leaver))
            {
                return _members.Count;
            }
            if (_away.Remove(participantId, out var grace))
            {
                grace.Dispose();
            }
            LogLeft(participantId, Name, _members.Count);
            var left = new ParticipantLeftEvent(participantId, ++_seq);
            SendAll(OutboxSize.Participant, c => c.ParticipantLeft(left));
            Apply(_floor.Remove(participantId));
            _media.MemberLeft(participantId);
            return _members.Count;
        }
    }

    public FloorRequestResponse RequestFloor(string participantId)
    {
        lock (_lock)
        {
            EnsureMember(participantId);
            var (result, change) = _floor.Request(participantId);
            Apply(change, caller: participantId);
            return new FloorRequestResponse(
                result.Outcome.ToString().ToLowerInvariant(),
                result.Position,
                result.Holder is { } h ? _members[h].Info : null,
                result.RetryAfter is { } wait ? (long)Math.Ceiling(wait.TotalMilliseconds) : null,
                FloorEvent(_floor.State));
        }
    }

    /// <returns>The floor as it now is: the caller gets no FloorChanged for its own release.</returns>
    public FloorChangedEvent ReleaseFloor(string participantId)
    {
        lock (_lock)
        {
            EnsureMember(participantId);
            Apply(_floor.Release(participantId), caller: participantId);
            return FloorEvent(_floor.State);
        }
    }

    public void Relay(string fromId, string toId, SessionDescription? description, IceCandidate? candidate)
    {
        lock (_lock)
        {
            EnsureMember(fromId);
            if (toId == fromId || !_members.TryGetValue(toId, out var target) || _away.ContainsKey(toId))
            {
                throw new WalkieError(ErrorCodes.UnknownParticipant, "there is no such participant in your channel");
            }
            var signal = new SignalEvent(fromId, description, candidate, ++_seq);
            _clients.Send(target.ConnectionId, OutboxSize.Of(signal), c => c.Signal(signal));
        }
    }

    /// <summary>The channel is gone: no timer may fire into it any more.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            foreach (var grace in _away.Values)
            {
                grace.Dispose();
            }
            _away.Clear();
            _media.Close();
        }
    }

    private void OnTimeLimit(long grant)
    {
        lock (_lock)
        {
            Apply(_floor.Expire(grant));
        }
    }

    /// <param name="caller">
    /// Whose own request or release made the change: their answer carries the floor, so FloorChanged skips them, one
    /// message fewer per press and per release.
    /// </param>
    private void Apply(FloorChange? change, string? caller = null)
    {
        if (change is null)
        {
            return;
        }
        if (change.RevokedFrom is { } revoked && _members.TryGetValue(revoked, out var loser))
        {
            var revoke = new FloorRevokedEvent(change.RevokeReason!, ++_seq);
            _clients.Send(loser.ConnectionId, OutboxSize.Small, c => c.FloorRevoked(revoke));
        }
        if (change.GrantedFromQueue is { } granted)
        {
            var expires = change.State is FloorState.Held { ExpiresAt: { } at } ? at.ToUnixTimeMilliseconds() : (long?)null;
            var grant = new FloorGrantedEvent(expires, ++_seq);
            _clients.Send(_members[granted].ConnectionId, OutboxSize.Small, c => c.FloorGranted(grant));
        }
        // Counted after the events above, in the order they are sent, so a member who gets several sees them rise.
        _floorSeq = ++_seq;
        var floor = FloorEvent(change.State);
        SendAll(OutboxSize.Of(floor), c => c.FloorChanged(floor), except: caller);
        _media.FloorHolder(floor.Holder?.Id);
        LogFloor(Name, floor.Holder?.Id, floor.Queue.Count, change.RevokedFrom);
        ArmTimer(change.State);
    }

    private void ArmTimer(FloorState state)
    {
        if (state is FloorState.Held { ExpiresAt: { } expires } held)
        {
            if (held.Grant == _timerGrant)
            {
                return;
            }
            _timer?.Dispose();
            _timerGrant = held.Grant;
            var due = expires - _time.GetUtcNow();
            _timer = _time.CreateTimer(g => OnTimeLimit((long)g!), held.Grant, due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
            return;
        }
        _timer?.Dispose();
        _timer = null;
        _timerGrant = 0;
    }

    private FloorChangedEvent FloorEvent(FloorState state) => state switch
    {
        FloorState.Held h => new FloorChangedEvent(
            _members[h.Holder].Info,
            [.. h.Queue.Select(id => _members[id].Info)],
            h.Since.ToUnixTimeMilliseconds(),
            h.ExpiresAt?.ToUnixTimeMilliseconds(),
            _floorSeq),
        _ => new FloorChangedEvent(null, [], null, null, _floorSeq),
    };

    private void EnsureMember(string participantId)
    {
        if (!_members.ContainsKey(participantId))
        {
            throw new WalkieError(ErrorCodes.NotJoined, "you are not in this channel any more");
        }
    }

    /// <summary>
    /// One send per member rather than one to a SignalR group: each member's backlog is then counted on its own,
    /// so a member who stops reading is cut off without holding up or charging anyone else.
    /// </summary>
    private void SendAll(int bytes, Func<IChannelClient, Task> send, string? except = null)
    {
        foreach (var member in _members.Values)
        {
            if (member.Id != except && !_away.ContainsKey(member.Id))
            {
                _clients.Send(member.ConnectionId, bytes, send);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Participant} joined {Channel} ({Count} present)")]
    private partial void LogJoined(string participant, string channel, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Participant} left {Channel} ({Count} present)")]
    private partial void LogLeft(string participant, string channel, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Channel} switched to {Topology} with {Count} members")]
    private partial void LogSwitched(string channel, string topology, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Channel} lost its media; {Count} members told")]
    private partial void LogMediaInterrupted(string channel, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Participant} is away from {Channel}")]
    private partial void LogAway(string participant, string channel);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Participant} is back in {Channel}")]
    private partial void LogResumed(string participant, string channel);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Floor of {Channel}: {Holder} holds, {Queued} queued, revoked {Revoked}")]
    private partial void LogFloor(string channel, string? holder, int queued, string? revoked);
}
