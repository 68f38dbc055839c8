namespace Walkie.Server.Floor;

/// <summary>
/// The floor state machine of one channel. Not thread-safe: the owning channel serialises calls.
/// Every method returns the change it made, or null when nothing changed, so callers emit only on change.
/// </summary>
internal sealed class FloorControl(TimeSpan transmitLimit, bool queueing, TimeProvider time)
{
    public const string TimeLimitReason = "time-limit";

    private long _grants;

    public FloorState State { get; private set; } = FloorState.Idle.Instance;

    public (FloorRequestResult Result, FloorChange? Change) Request(string id)
    {
        switch (State)
        {
            case FloorState.Idle:
                var granted = GrantTo(id, []);
                return (new(RequestOutcome.Granted), new(granted));
            case FloorState.Held h when h.Holder == id:
                return (new(RequestOutcome.Granted), null);
            case FloorState.Held h when h.Queue.IndexOf(id) is var i and >= 0:
                return (new(RequestOutcome.Queued, h.Holder, i + 1), null);
            case FloorState.Held h when queueing:
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

    /// <summary>The transmit timer for <paramref name="grant"/> fired. Stale timers change nothing.</summary>
    public FloorChange? Expire(long grant)
    {
        if (State is not FloorState.Held h || h.Grant != grant)
        {
            return null;
        }
        return PassOn(h) with { RevokedFrom = h.Holder, RevokeReason = TimeLimitReason };
    }

    private FloorChange PassOn(FloorState.Held h)
    {
        if (h.Queue.IsEmpty)
        {
            State = FloorState.Idle.Instance;
            return new(State);
        }
        var next = h.Queue[0];
        return new(GrantTo(next, h.Queue.RemoveAt(0)), GrantedFromQueue: next);
    }

    private FloorState GrantTo(string id, System.Collections.Immutable.ImmutableList<string> queue)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? expires = transmitLimit > TimeSpan.Zero ? now + transmitLimit : null;
        State = new FloorState.Held(id, now, expires, queue, ++_grants);
        return State;
    }
}
