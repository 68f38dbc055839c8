namespace Walkie.Server.Tests.Infrastructure;

/// <summary>Where a suite's clients connect: one in-process server, or a cluster of nodes behind nginx.</summary>
internal interface IWalkieTarget : IAsyncDisposable
{
    /// <summary>Plain HTTP to the server (a cluster's first node).</summary>
    Uri Address { get; }

    Uri HubUrl { get; }

    TimeSpan KeepAlive { get; }

    /// <summary>Every log line so far (a cluster's: every node's console output).</summary>
    IReadOnlyCollection<string> Logs { get; }

    Task<TestClient> ConnectAsync();

    Task<TestClient> JoinAsync(string channel, string name, string? passcode = null);
}

/// <summary>
/// Several Walkie nodes, each its own process, in one cluster: a real redis-server for Orleans's membership and
/// SignalR's backplane, and the shipped nginx sample in front. Clients connect through nginx (which spreads them over
/// the nodes) or straight to one node.
/// </summary>
internal sealed class RunningCluster : IWalkieTarget
{
    public const string ResumeKey = "cluster-test-resume-key-0123456789abcdef";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, string?> _settings;

    private RunningCluster(RedisServer redis, List<WalkieNode> nodes, NginxProxy proxy, Dictionary<string, string?> settings)
    {
        Redis = redis;
        Nodes = nodes;
        Proxy = proxy;
        _settings = settings;
    }

    public RedisServer Redis { get; }

    public List<WalkieNode> Nodes { get; }

    public NginxProxy Proxy { get; }

    public Uri Address => Nodes[0].Address;

    public Uri HubUrl => Proxy.HubUrl;

    public TimeSpan KeepAlive => TimeSpan.FromSeconds(5);

    public IReadOnlyCollection<string> Logs => [.. Nodes.SelectMany(n => n.Output.Split('\n'))];

    public static async Task<RunningCluster> StartAsync(Dictionary<string, string?>? settings = null, int nodes = 3)
    {
        var redis = await RedisServer.StartAsync();
        var all = new Dictionary<string, string?>
        {
            ["Walkie:Cluster:Redis"] = redis.Configuration,
            ["Walkie:Cluster:AdvertisedAddress"] = "127.0.0.1",
            ["Walkie:Cluster:ClusterId"] = $"test-{Guid.NewGuid():N}",
            ["Walkie:Resume:Key"] = ResumeKey,
            ["Walkie:TrustedProxies:0"] = "127.0.0.1",
            // Where a channel's grain lives, for tests that kill its node.
            ["Logging:LogLevel:Walkie.Server.Cluster"] = "Debug",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }
        var started = new List<WalkieNode>();
        try
        {
            for (var i = 0; i < nodes; i++)
            {
                started.Add(StartNode(all));
            }
            await Task.WhenAll(started.Select(n => n.WaitHealthyAsync(StartTimeout)));
            var proxy = await NginxProxy.StartAsync(started.Select(n => n.Port));
            return new RunningCluster(redis, started, proxy, all);
        }
        catch
        {
            await started.DisposeAllAsync();
            await redis.DisposeAsync();
            throw;
        }
    }

    public Task<TestClient> ConnectAsync() => TestClient.ConnectAsync(HubUrl, KeepAlive);

    public Task<TestClient> ConnectToAsync(int node) => TestClient.ConnectAsync(Nodes[node].HubUrl, KeepAlive);

    public async Task<TestClient> JoinAsync(string channel, string name, string? passcode = null)
    {
        var client = await ConnectAsync();
        await client.JoinAsync(channel, name, passcode);
        return client;
    }

    public async Task<TestClient> JoinOnAsync(int node, string channel, string name, string? passcode = null)
    {
        var client = await ConnectToAsync(node);
        await client.JoinAsync(channel, name, passcode);
        return client;
    }

    /// <summary>The node whose grain carries the channel now: the last to log that it hosts it, among the living.</summary>
    public int? HostOf(string channel)
    {
        var line = $"Channel {channel} is hosted on this node";
        var hosts = Nodes.Select((n, i) => (Node: n, Index: i, At: n.Output.LastIndexOf(line, StringComparison.Ordinal)))
            .Where(h => h.At >= 0 && h.Node.IsAlive)
            .ToList();
        return hosts.Count == 1 ? hosts[0].Index : null;
    }

    /// <summary>A fresh node joins the cluster (not behind nginx).</summary>
    public async Task<int> AddNodeAsync()
    {
        var node = StartNode(_settings);
        Nodes.Add(node);
        await node.WaitHealthyAsync(StartTimeout);
        return Nodes.Count - 1;
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Nodes.DisposeAllAsync();
        await Redis.DisposeAsync();
    }

    private static WalkieNode StartNode(Dictionary<string, string?> settings) =>
        WalkieNode.Start(new Dictionary<string, string?>(settings) { ["Walkie:Cluster:SiloPort"] = ServiceProcess.FreeTcpPort().ToString() });
}
