using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Walkie.Server.Protection;

namespace Walkie.Server.Cluster;

/// <summary>
/// This process in the cluster. A restarted process is a new node: nothing of the old one's leases carries over.
/// Channels hosted here reach back to the nodes of their members through <see cref="Reference"/>.
/// </summary>
internal sealed class ClusterNode(IGrainFactory grains, ClientTable clients, IOptions<WalkieOptions> options)
{
    // Orleans holds an observer weakly: this node keeps it alive, or channels' calls to it are silently lost.
    private readonly Connections _connections = new(clients);
    private INodeConnections? _reference;
    private int _hosted;

    public string Id { get; } = Guid.NewGuid().ToString("N")[..12];

    public INodeConnections Reference => LazyInitializer.EnsureInitialized(ref _reference, () => grains.CreateObjectReference<INodeConnections>(_connections));

    /// <summary>The channels active on this node.</summary>
    public int HostedChannels => Volatile.Read(ref _hosted);

    /// <summary>Counts a channel made on this node; false when it already hosts MaxChannels (a rebuild is always let in).</summary>
    public bool TryHost(bool force)
    {
        if (Interlocked.Increment(ref _hosted) <= options.Value.MaxChannels || force)
        {
            return true;
        }
        Interlocked.Decrement(ref _hosted);
        return false;
    }

    public void Unhost() => Interlocked.Decrement(ref _hosted);

    private sealed class Connections(ClientTable clients) : INodeConnections
    {
        public Task Close(string connectionId)
        {
            clients.Find(connectionId)?.Abort(ClientConnection.Replaced);
            return Task.CompletedTask;
        }
    }
}

/// <summary>What a channel grain may ask of the node a member is connected to.</summary>
internal interface INodeConnections : IGrainObserver
{
    /// <summary>Closes a connection whose member resumed on another: it may neither act for them nor be counted twice.</summary>
    [OneWay]
    Task Close(string connectionId);
}
