using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Walkie.Server.Hubs;

namespace Walkie.Server.Protection;

/// <summary>
/// Every hub method has its own budget per connection and per address. A call over budget is refused with
/// "rate-limited" and a retry hint before it reaches the hub, and costs nothing further.
/// </summary>
internal sealed class HubRateLimits(ClientTable clients, IOptions<WalkieOptions> options, TimeProvider time) : IHubFilter
{
    private readonly RateLimitOptions _limits = options.Value.RateLimits;

    public ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var method = invocationContext.HubMethodName;
        if (_limits.Enabled
            && _limits.For(method) is { } budget
            && clients.Find(invocationContext.Context.ConnectionId) is { } client)
        {
            var cost = Cost(invocationContext);
            Take(client.Bucket(method, () => new TokenBucket(budget.PerSecond, budget.Burst, time)), cost, method, "your connection");
            Take(clients.Bucket(client.Address, method, () => new TokenBucket(budget.AddressPerSecond, budget.AddressBurst, time)), cost, method, "your address");
        }
        return next(invocationContext);
    }

    /// <summary>One token a call, plus one per KiB for calls that carry SDP, so a flood of large offers runs dry sooner.</summary>
    private static int Cost(HubInvocationContext context) =>
        context.HubMethodName is nameof(ChannelHub.Signal) or nameof(ChannelHub.SfuPublish) or nameof(ChannelHub.SfuAnswer)
        && context.HubMethodArguments is [HubArgument argument]
            ? 1 + (int)Math.Min(argument.Bytes / 1024, 1024)
            : 1;

    private static void Take(RateLimiter bucket, int cost, string method, string whose)
    {
        using var lease = bucket.AttemptAcquire(cost);
        if (!lease.IsAcquired)
        {
            var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
            throw WalkieError.RateLimited($"too many {method} calls from {whose}", retry);
        }
    }
}
