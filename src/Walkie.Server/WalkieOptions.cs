using System.ComponentModel.DataAnnotations;
using Walkie.Server.Ice;
using Walkie.Server.Media;
using Walkie.Server.Protection;

namespace Walkie.Server;

/// <summary>Every limit and timeout of the server, bound from the "Walkie" configuration section.</summary>
public sealed record WalkieOptions
{
    public const string Section = "Walkie";

    [Range(2, 256)]
    public int MaxParticipantsPerChannel { get; init; } = 16;

    [Range(1, 1_000_000)]
    public int MaxChannels { get; init; } = 10_000;

    /// <summary>Largest hub message accepted, in bytes. Must fit a 16 KiB SDP after JSON escaping.</summary>
    [Range(24 * 1024, 1024 * 1024)]
    public long MaxMessageBytes { get; init; } = 64 * 1024;

    /// <summary>How long one transmission may last before the floor is revoked. Zero means no limit.</summary>
    public TimeSpan TransmitLimit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>When false, a request while someone talks is denied instead of queued.</summary>
    public bool FloorQueue { get; init; } = true;

    /// <summary>
    /// How often the server pings an idle client; clients must ping at least this often too. Every idle client
    /// pings, so this is a load knob: at 20,000 clients, 5 s means 4,000 pings a second each way.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A client silent for this long is dropped and leaves its channel. SignalR checks once a second, so a dead
    /// client is gone within this plus one second: 11 s by default, inside the 15 s we promise.
    /// </summary>
    public TimeSpan ClientTimeoutInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Most output that may wait for one connection that does not read it. Past this the connection is cut off:
    /// a member who stops reading must not make the server buffer without bound.
    /// </summary>
    [Range(64 * 1024, 64 * 1024 * 1024)]
    public long MaxQueuedOutputBytes { get; init; } = 1024 * 1024;

    /// <summary>All connections at once. Zero means "safely below the process's open-file limit", read at start.</summary>
    [Range(0, 10_000_000)]
    public int MaxConnections { get; init; }

    /// <summary>Hub connections from one address (an IPv6 /64). Venue Wi-Fi puts many honest users behind one.</summary>
    [Range(1, 10_000_000)]
    public int MaxConnectionsPerAddress { get; init; } = 200;

    /// <summary>Channels that one address may have created and that still exist.</summary>
    [Range(1, 1_000_000)]
    public int MaxChannelsPerAddress { get; init; } = 50;

    /// <summary>How many may wait for the floor in one channel; the next is denied.</summary>
    [Range(1, 10_000)]
    public int MaxFloorQueue { get; init; } = 16;

    /// <summary>
    /// After the transmit limit cut someone off, they may not take the floor again for this long, as a radio's
    /// time-out timer locks the transmitter. Others who press meanwhile get it. Zero turns the lock off.
    /// </summary>
    public TimeSpan RekeyDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A connection must finish the SignalR handshake within this.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Browser origins, besides the server's own, whose pages may connect, e.g. "https://walkie.example.org".</summary>
    public List<string> AllowedOrigins { get; init; } = [];

    /// <summary>
    /// Reverse proxies (addresses, or CIDR networks such as 10.0.0.0/8) whose X-Forwarded-For and X-Forwarded-Proto
    /// Walkie believes, so the per-address limits count clients rather than the proxy. Empty trusts nobody.
    /// </summary>
    public List<string> TrustedProxies { get; init; } = [];

    public RateLimitOptions RateLimits { get; init; } = new();

    public ResumeOptions Resume { get; init; } = new();

    public List<IceServerOptions> IceServers { get; init; } = [];

    public TurnOptions Turn { get; init; } = new();

    public SfuOptions Sfu { get; init; } = new();

    public Cluster.ClusterSettings Cluster { get; init; } = new();

    /// <summary>"all", or "relay" to make browsers use TURN only (locked-down networks, and tests).</summary>
    public string IceTransportPolicy { get; init; } = "all";
}

/// <summary>The "Walkie:Resume" section: coming back as the same participant after a dropped connection.</summary>
public sealed record ResumeOptions
{
    /// <summary>
    /// How long a member whose connection dropped keeps their id, name and place in the queue, for their client to
    /// come back with its resume token. Zero makes a drop a leave.
    /// </summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Signs resume tokens (at least 32 characters). Empty means a random key per process, so tokens do not survive a
    /// restart; set the same key on every node for tokens that do, and that any node accepts.
    /// </summary>
    public string Key { get; init; } = "";

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Grace = {Grace}, Key = ***");
        return true;
    }

    internal bool IsValid() => Grace >= TimeSpan.Zero && Grace <= TimeSpan.FromHours(1) && (Key.Length == 0 || Key.Length >= 32);
}

public sealed record IceServerOptions
{
    public List<string> Urls { get; init; } = [];
    public string? Username { get; init; }
    public string? Credential { get; init; }

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Urls = [{string.Join(", ", Urls)}], Username = {Username}, Credential = ***");
        return true;
    }
}

internal static class WalkieOptionsValidation
{
    public static bool IsValid(WalkieOptions o) =>
        o.TransmitLimit >= TimeSpan.Zero
        && o.KeepAliveInterval > TimeSpan.Zero
        // SignalR's own rule: the client timeout must leave room for at least two missed pings.
        && o.ClientTimeoutInterval >= 2 * o.KeepAliveInterval
        && o.IceServers.Count <= 16
        && o.RekeyDelay >= TimeSpan.Zero
        && o.Resume.IsValid()
        && o.HandshakeTimeout > TimeSpan.Zero
        && o.AllowedOrigins.All(IsOrigin)
        && o.RateLimits.IsValid()
        && o.IceTransportPolicy is "all" or "relay"
        && o.Turn.IsValid()
        && o.Sfu.IsValid()
        && o.Cluster.IsValid()
        // Every node must accept every other node's resume tokens: a client whose node died resumes on another.
        && (!o.Cluster.Enabled || o.Resume.Key.Length > 0)
        && (!o.Sfu.Enabled || o.Sfu.MeshLimit <= o.MaxParticipantsPerChannel)
        && o.IceServers.All(s => s.Urls.Count > 0 && s.Urls.All(IsIceUrl));

    private static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && uri.GetLeftPart(UriPartial.Authority) == origin.TrimEnd('/');

    private static bool IsIceUrl(string url) =>
        url.StartsWith("stun:", StringComparison.Ordinal)
        || url.StartsWith("stuns:", StringComparison.Ordinal)
        || url.StartsWith("turn:", StringComparison.Ordinal)
        || url.StartsWith("turns:", StringComparison.Ordinal);
}
