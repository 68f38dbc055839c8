namespace Walkie.Server.Protection;

/// <summary>
/// The "Walkie:RateLimits" section: a token bucket per hub method, per connection and per address. Budgets are
/// sized for an honest client's bursts: a join into a full mesh trickles an offer and a few candidates per peer,
/// and a venue's reconnect storm is many joins from one address at once.
/// </summary>
public sealed record RateLimitOptions
{
    /// <summary>Off only for load tests and benchmarks that drive thousands of clients from one address.</summary>
    public bool Enabled { get; init; } = true;

    public HubBudget Join { get; init; } = new() { PerSecond = 1, Burst = 10, AddressPerSecond = 20, AddressBurst = 200 };

    public HubBudget Leave { get; init; } = new() { PerSecond = 2, Burst = 10, AddressPerSecond = 40, AddressBurst = 400 };

    /// <summary>A Signal costs one token plus one per KiB of SDP, so the budget bounds bytes as well as messages.</summary>
    public HubBudget Signal { get; init; } = new() { PerSecond = 100, Burst = 400, AddressPerSecond = 2_000, AddressBurst = 8_000 };

    public HubBudget RequestFloor { get; init; } = new() { PerSecond = 5, Burst = 20, AddressPerSecond = 100, AddressBurst = 400 };

    public HubBudget ReleaseFloor { get; init; } = new() { PerSecond = 5, Burst = 20, AddressPerSecond = 100, AddressBurst = 400 };

    public HubBudget RefreshIceServers { get; init; } = new() { PerSecond = 1, Burst = 20, AddressPerSecond = 20, AddressBurst = 200 };

    /// <summary>
    /// An SfuPublish or SfuAnswer costs one token plus one per KiB of SDP, as a Signal does; a member makes one of
    /// each per join, a few KiB each, and a venue's reconnect storm makes hundreds from one address.
    /// </summary>
    public HubBudget SfuPublish { get; init; } = new() { PerSecond = 4, Burst = 40, AddressPerSecond = 200, AddressBurst = 2_000 };

    public HubBudget SfuListen { get; init; } = new() { PerSecond = 1, Burst = 10, AddressPerSecond = 20, AddressBurst = 200 };

    public HubBudget SfuAnswer { get; init; } = new() { PerSecond = 4, Burst = 40, AddressPerSecond = 200, AddressBurst = 2_000 };

    /// <summary>New hub connections (negotiate requests and WebSocket opens) from one address.</summary>
    public HubBudget Connect { get; init; } = new() { PerSecond = 0, Burst = 0, AddressPerSecond = 20, AddressBurst = 200 };

    /// <summary>Wrong passcodes one address may try on one channel before each further try waits.</summary>
    public int FreePasscodeFailures { get; init; } = 3;

    /// <summary>The wait doubles with each wrong passcode past the free ones, up to this.</summary>
    public TimeSpan MaxPasscodeLockout { get; init; } = TimeSpan.FromMinutes(1);

    public HubBudget? For(string method) => method switch
    {
        nameof(Join) => Join,
        nameof(Leave) => Leave,
        nameof(Signal) => Signal,
        nameof(RequestFloor) => RequestFloor,
        nameof(ReleaseFloor) => ReleaseFloor,
        nameof(RefreshIceServers) => RefreshIceServers,
        nameof(SfuPublish) => SfuPublish,
        nameof(SfuListen) => SfuListen,
        nameof(SfuAnswer) => SfuAnswer,
        _ => null,
    };

    internal bool IsValid() =>
        new[] { Join, Leave, Signal, RequestFloor, ReleaseFloor, RefreshIceServers, SfuPublish, SfuListen, SfuAnswer }.All(b => b.IsValid(perConnection: true))
        && Connect.IsValid(perConnection: false)
        && FreePasscodeFailures is >= 0 and <= 1000
        && MaxPasscodeLockout > TimeSpan.Zero && MaxPasscodeLockout <= TimeSpan.FromDays(1);
}

/// <summary>Calls per second and the burst allowed on top, for one connection and for one address.</summary>
public sealed record HubBudget
{
    public double PerSecond { get; init; }
    public int Burst { get; init; }
    public double AddressPerSecond { get; init; }
    public int AddressBurst { get; init; }

    internal bool IsValid(bool perConnection) =>
        (!perConnection || (PerSecond > 0 && Burst >= 1)) && AddressPerSecond > 0 && AddressBurst >= 1;
}
