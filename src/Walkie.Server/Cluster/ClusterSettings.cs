namespace Walkie.Server.Cluster;

/// <summary>
/// The "Walkie:Cluster" section. Empty Redis means one node on its own, channels in its memory; set, the node joins
/// the Orleans cluster that Redis lists, and every channel is a grain that any node can reach.
/// </summary>
public sealed record ClusterSettings
{
    /// <summary>StackExchange.Redis configuration, e.g. "redis.internal:6379" or "10.0.0.5:6379,password=…".</summary>
    public string Redis { get; init; } = "";

    /// <summary>Nodes with the same id form one cluster; several Walkie clusters may share one Redis.</summary>
    public string ClusterId { get; init; } = "walkie";

    /// <summary>The address other nodes reach this one on. Empty means this machine's first routed IPv4 address.</summary>
    public string AdvertisedAddress { get; init; } = "";

    /// <summary>The port nodes talk to each other on (Orleans silo-to-silo). Keep it closed to the internet.</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>
    /// How long a channel keeps members whose node stopped renewing them: a node that died takes its members with it
    /// after this, and frees a floor one of them held. Nodes renew three times per lease.
    /// </summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(10);

    internal bool Enabled => Redis.Length > 0;

    internal TimeSpan RenewEvery => Lease / 3;

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        // The Redis configuration may carry a password.
        builder.Append($"Redis = {(Enabled ? "***" : "")}, ClusterId = {ClusterId}, AdvertisedAddress = {AdvertisedAddress}, SiloPort = {SiloPort}, Lease = {Lease}");
        return true;
    }

    internal bool IsValid() =>
        Lease >= TimeSpan.FromSeconds(1) && Lease <= TimeSpan.FromMinutes(5)
        && SiloPort is > 0 and < 65536
        && ClusterId.Length is > 0 and <= 64
        && (AdvertisedAddress.Length == 0 || System.Net.IPAddress.TryParse(AdvertisedAddress, out _));
}
