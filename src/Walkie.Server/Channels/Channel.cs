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
/// awaited: SignalR queues writes per connection in call order, and a slow member cannot stall the channel.
/// </summary>
internal sealed class Channel
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Participant> _members = new(StringComparer.Ordinal);
    private readonly FloorControl _floor;
    private readonly WalkieOptions _options;
    private readonly TimeProvider _time;
    private readonly IChannelClients _clients;
    private readonly ILogger _log;
    private ITimer? _timer;
    private long _timerGrant;

    public Channel(string name, byte[]? passcodeHash, WalkieOptions options, TimeProvider time, IChannelClients clients, ILogger log)
    {
        Name = name;
        PasscodeHash = passcodeHash;
        _options = options;
        _time = time;
        _clients = clients;
        _log = log;
        _floor = new FloorControl(options.TransmitLimit, options.FloorQueue, time);
    }

    public string Name { get; }

    public byte[]? PasscodeHash { get; }

    public int Count
    {
        get { lock (_lock) { return _members.Count; } }
    }

    public IReadOnlyList<string> MemberNames()
    {
        lock (_lock) { return [.. _members.Values.Select(m => m.Name)]; }
    }

    public JoinResult Add(Participant joiner, IReadOnlyList<IceServer> iceServers, string iceTransportPolicy)
    {
        lock (_lock)
        {
            var others = _members.Values.Select(m => m.Info).ToList();
            Send(c => c.ParticipantJoined(joiner.Info));
            _members.Add(joiner.Id, joiner);
            _clients.Enter(joiner.ConnectionId, Name);
            _log.LogInformation("{Participant} joined {Channel} ({Count} present)", joiner.Id, Name, _members.Count);
            return new JoinResult(
                joiner.Info,
                Name,
                others,
                FloorEvent(_floor.State),
                iceServers,
                iceTransportPolicy,
                new ChannelLimits(
                    _options.MaxParticipantsPerChannel,
                    (long)_options.TransmitLimit.TotalMilliseconds,
                    _options.FloorQueue,
                    SignalRules.MaxSdpBytes,
                    SignalRules.MaxCandidateBytes,
                    (long)_options.KeepAliveInterval.TotalMilliseconds),
                SignalRules.NegotiationRule);
        }
    }

    /// <returns>The number of members left.</returns>
    public int Remove(string participantId)
    {
        lock (_lock)
        {
            if (!_members.Remove(participantId, out var leaver))
            {
                return _members.Count;
            }
            _clients.Exit(leaver.ConnectionId, Name);
            _log.LogInformation("{Participant} left {Channel} ({Count} present)", participantId, Name, _members.Count);
            Send(c => c.ParticipantLeft(new ParticipantLeftEvent(participantId)));
            Apply(_floor.Remove(participantId));
            return _members.Count;
        }
    }

    public FloorRequestResponse RequestFloor(string participantId)
    {
        lock (_lock)
        {
            EnsureMember(participantId);
            var (result, change) = _floor.Request(participantId);
            Apply(change);
            return new FloorRequestResponse(
                result.Outcome.ToString().ToLowerInvariant(),
                result.Position,
                result.Holder is { } h ? _members[h].Info : null);
        }
    }

    public void ReleaseFloor(string participantId)
    {
        lock (_lock)
        {
            EnsureMember(participantId);
            Apply(_floor.Release(participantId));
        }
    }

    public void Relay(string fromId, string toId, SessionDescription? description, IceCandidate? candidate)
    {
        lock (_lock)
        {
            EnsureMember(fromId);
            if (toId == fromId || !_members.TryGetValue(toId, out var target))
            {
                throw new WalkieError(ErrorCodes.UnknownParticipant, "there is no such participant in your channel");
            }
            Observe(_clients.Connection(target.ConnectionId).Signal(new SignalEvent(fromId, description, candidate)));
        }
    }

    /// <summary>The channel is gone: no timer may fire into it any more.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void OnTimeLimit(long grant)
    {
        lock (_lock)
        {
            Apply(_floor.Expire(grant));
        }
    }

    private void Apply(FloorChange? change)
    {
        if (change is null)
        {
            return;
        }
        var floor = FloorEvent(change.State);
        if (change.RevokedFrom is { } revoked && _members.TryGetValue(revoked, out var loser))
        {
            Observe(_clients.Connection(loser.ConnectionId).FloorRevoked(new FloorRevokedEvent(change.RevokeReason!)));
        }
        if (change.GrantedFromQueue is { } granted)
        {
            Observe(_clients.Connection(_members[granted].ConnectionId).FloorGranted(new FloorGrantedEvent(floor.ExpiresAt)));
        }
        Send(c => c.FloorChanged(floor));
        _log.LogInformation("Floor of {Channel}: {Holder} holds, {Queued} queued, revoked {Revoked}",
            Name, floor.Holder?.Id ?? "nobody", floor.Queue.Count, change.RevokedFrom ?? "none");
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
            h.ExpiresAt?.ToUnixTimeMilliseconds()),
        _ => new FloorChangedEvent(null, [], null, null),
    };

    private void EnsureMember(string participantId)
    {
        if (!_members.ContainsKey(participantId))
        {
            throw new WalkieError(ErrorCodes.NotJoined, "you are not in this channel any more");
        }
    }

    private void Send(Func<IChannelClient, Task> send)
    {
        if (_members.Count > 0)
        {
            Observe(send(_clients.Channel(Name)));
        }
    }

    private void Observe(Task send) =>
        send.ContinueWith(
            t => _log.LogDebug(t.Exception, "A send in {Channel} failed", Name),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
}
