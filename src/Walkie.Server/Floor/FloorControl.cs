namespace Walkie.Server.Floor;

/// <param name="TransmitLimit">How long one grant lasts; zero means no limit.</param>
/// <param name="Queueing">When false, a request while someone talks is denied instead of queued.</param>
/// <param name="MaxQueue">How many may wait; the next is denied.</param>
/// <param name="RekeyDelay">How long someone cut off by the limit must wait before the floor is theirs again.</param>
internal sealed record FloorRules(TimeSpan TransmitLimit, bool Queueing, int MaxQueue, TimeSpan RekeyDelay);

/// <summary>
/// The floor state machine of one channel. Not thread-safe: the owning channel serialises calls under its lock,
/// and checks that it does, so a caller that forgets the lock fails every time rather than once in a race.
/// Every method returns the change it made, or null when nothing changed, so callers emit only on change.
/// </summary>
internal sealed class FloorControl(FloorRules rules, TimeProvider time, Lock? owner = null)
{
    public const string TimeLimitReason = "time-limit";

    private readonly HashSet<string> _away = new(StringComparer.Ordinal);
    private long _grants;

    /// <summary>Who the time limit last cut off, and until when they may not take an idle floor.</summary>
    private (string Id, DateTimeOffset Until)? _rekey;

    public FloorState State { get; private set; } = FloorState.Idle.Instance;

    public (FloorRequestResult Result, FloorChange? Change) Request(string id)
    {
        EnsureOwned();
        switch (State)
        {
            case FloorState.Idle when RekeyWait(id) is { } wait:
                // Whoever else presses meanwhile gets the floor; a bot that re-keys at once does not.
                return (new(RequestOutcome.Denied, RetryAfter: wait), null);
            case FloorState.Idle:
                var granted = GrantTo(id, []);
                return (new(RequestOutcome.Granted), new(granted));
            case FloorState.Held h when h.Holder == id:
                return (new(RequestOutcome.Granted), null);
            case FloorState.Held h when h.Queue.IndexOf(id) is var i and >= 0:
                return (new(RequestOutcome.Queued, h.Holder, i + 1), null);
            case FloorState.Held h when rules.Queueing && h.Queue.Count < rules.MaxQueue:
                State = h with { Queue = h.Queue.Add(id) };
                return (new(RequestOutcome.Queued, h.Holder, h.Queue.Count + 1), new(State));
            case FloorState.Held h:
                return (new(RequestOutcome.Denied, h.Holder), null);
            default:
                throw new InvalidOperationException($"Unknown floor state {State}");
        }
    }

    /// <summary>The end of a transmission, or leaving the queue. Anyone else's release is a no-op.</summary>
    public FloorChange? Release(string id) => Remove(id);

    /// <summary>A participant left the channel: take them off the floor and out of the queue.</summary>
    public FloorChange? Remove(string id)
    {
        EnsureOwned();
        _away.Remove(id);
        if (State is not FloorState.Held h)
        {
            return null;
        }
        if (h.Holder == id)
        {
            return PassOn(h);
        }
        if (!h.Queue.Contains(id))
        {
            return null;
        }
        State = h with { Queue = h.Queue.Remove(id) };
        return new(State);
    }

    /// <summary>
    /// A member's connection dropped: an absent person must not hold the floor, so a holder loses it at once; a
    /// queued member keeps their place, and is passed over while away.
    /// </summary>
    public FloorChange? Away(string id)
    {
        EnsureOwned();
        _away.Add(id);
        return State is FloorState.Held h && h.Holder == id ? PassOn(h) : null;
    }

    /// <summary>The member is back; a place they kept in the queue counts again.</summary>
    public void Back(string id)
    {
        EnsureOwned();
        _away.Remove(id);
    }

    /// <summary>The transmit timer for <paramref name="grant"/> fired. Stale timers change nothing.</summary>
    public FloorChange? Expire(long grant)
    {
        EnsureOwned();
        if (State is not FloorState.Held h || h.Grant != grant)
        {
            return null;
        }
        if (rules.RekeyDelay > TimeSpan.Zero)
        {
            _rekey = (h.Holder, time.GetUtcNow() + rules.RekeyDelay);
        }
        return PassOn(h) with { RevokedFrom = h.Holder, RevokeReason = TimeLimitReason };
    }

    private TimeSpan? RekeyWait(string id)
    {
        if (_rekey is not var (who, until) || who != id)
        {
            return null;
        }
        var wait = until - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            return wait;
        }
        _rekey = null;
        return null;
    }

    /// <summary>The first present member of the queue gets the floor; those away before them keep their places.</summary>
    private FloorChange PassOn(FloorState.Held h)
    {
        var next = h.Queue.FirstOrDefault(id => !_away.Contains(id));
        if (next is null)
        {
            State = FloorState.Idle.Instance;
            return new(State);
        }
        return new(GrantTo(next, h.Queue.Remove(next)), GrantedFromQueue: next);
    }

    private FloorState GrantTo(string id, System.Collections.Immutable.ImmutableList<string> queue)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? expires = rules.TransmitLimit > TimeSpan.Zero ? now + rules.TransmitLimit : null;
        State = new FloorState.Held(id, now, expires, queue, ++_grants);
        return State;
    }

    private void EnsureOwned()
    {
        if (owner is { IsHeldByCurrentThread: false })
        {
            throw new InvalidOperationException("The floor was used without its channel's lock");
        }
    }
}
