using Microsoft.AspNetCore.Connections;

namespace Walkie.Server.Protection;

/// <summary>One hub connection as the protections see it: its address, its backlog, its activity and its budgets.</summary>
internal sealed class ClientConnection(string id, string address, ConnectionContext connection, long openedAt)
{
    public const string SlowReader = "slow-reader";

    /// <summary>A write to it waited a client timeout: it takes nothing, whatever its backlog.</summary>
    public const string Stalled = "stalled";
    public const string Silent = "silent";
    public const string Replaced = "replaced";

    private readonly Dictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private long _queuedBytes;
    private long _lastInbound = openedAt;
    private int _aborted;

    public string Id => id;

    public string Address => address;

    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>Timestamp of the last bytes received, pings and the handshake included.</summary>
    public long LastInbound => Interlocked.Read(ref _lastInbound);

    public void Touch(long timestamp) => Interlocked.Exchange(ref _lastInbound, timestamp);

    public bool TryQueue(long bytes, long limit)
    {
        if (Interlocked.Add(ref _queuedBytes, bytes) <= limit)
        {
            return true;
        }
        Interlocked.Add(ref _queuedBytes, -bytes);
        return false;
    }

    public void Dequeue(long bytes) => Interlocked.Add(ref _queuedBytes, -bytes);

    /// <returns>True for the first abort only, so a cut-off is logged and counted once.</returns>
    public bool Abort(string reason)
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return false;
        }
        connection.Abort(new ConnectionAbortedException(reason));
        return true;
    }

    public TokenBucket Bucket(string method, Func<TokenBucket> create)
    {
        lock (_buckets)
        {
            if (!_buckets.TryGetValue(method, out var bucket))
            {
                _buckets[method] = bucket = create();
            }
            return bucket;
        }
    }
}
