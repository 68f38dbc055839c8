using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using StackExchange.Redis;

namespace Walkie.Server.Cluster;

/// <summary>
/// SignalR's Redis connection, watched: events published while Redis was away are lost for members on other nodes,
/// so once the connection is back this node asks each of its channels to tell its members the floor afresh.
/// </summary>
internal sealed partial class Backplane(ILogger<Backplane> log)
{
    private readonly ILogger _log = log;
    private int _restored;

    /// <summary>True once after each time the connection came back.</summary>
    public bool TakeRestored() => Interlocked.Exchange(ref _restored, 0) == 1;

    /// <summary>A resend that did not reach every channel is owed again next round.</summary>
    public void StillOwed() => Interlocked.Exchange(ref _restored, 1);

    public async Task<IConnectionMultiplexer> ConnectAsync(RedisOptions options, TextWriter log)
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(options.Configuration, log);
        redis.ConnectionFailed += (_, e) => LogLost(e.FailureType.ToString());
        redis.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                Interlocked.Exchange(ref _restored, 1);
                LogRestored();
            }
        };
        return redis;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the Redis backplane ({Failure}): events for members on other nodes are dropped until it is back")]
    private partial void LogLost(string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "The Redis backplane is back: channels resend their floor to this node's members")]
    private partial void LogRestored();
}
