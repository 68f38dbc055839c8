using System.Collections.Immutable;

namespace Walkie.Server.Floor;

/// <summary>Who may talk in a channel: nobody, or one holder with a queue of waiting participants behind.</summary>
internal abstract record FloorState
{
    private FloorState() { }

    public sealed record Idle : FloorState
    {
        public static readonly Idle Instance = new();
    }

    /// <param name="Grant">Increases with every grant, so a timer armed for an earlier grant can tell it is stale.</param>
    public sealed record Held(
        string Holder,
        DateTimeOffset Since,
        DateTimeOffset? ExpiresAt,
        ImmutableList<string> Queue,
        long Grant) : FloorState;
}

internal enum RequestOutcome { Granted, Queued, Denied }

/// <param name="RetryAfter">Set when a denial ends by itself, such as the wait after being cut off by the time limit.</param>
internal sealed record FloorRequestResult(RequestOutcome Outcome, string? Holder = null, int? Position = null, TimeSpan? RetryAfter = null);

/// <summary>What one transition did, so the caller can tell the right people.</summary>
/// <param name="GrantedFromQueue">A queued participant that now holds the floor.</param>
/// <param name="RevokedFrom">A holder whose floor the server took away.</param>
internal sealed record FloorChange(
    FloorState State,
    string? GrantedFromQueue = null,
    string? RevokedFrom = null,
    string? RevokeReason = null);
