using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Walkie.Server.Hubs;

namespace Walkie.Server.Cluster;

/// <summary>
/// Renews this node's members with their channels' grains, three times per lease, and at once when the cluster
/// declares a node dead: it keeps them in while the node lives, and rebuilds a channel whose grain died with its host
/// on another node as soon as the cluster knows, rather than a renewal period later.
/// </summary>
internal sealed partial class LeaseRenewer(
    ClusterChannels channels, Backplane backplane, IClusterMembershipService membership, IOptions<WalkieOptions> options, TimeProvider time, ILogger<LeaseRenewer> log)
    : BackgroundService
{
    private readonly ILogger _log = log;

    // One pending round is enough: a round renews every channel as it is when it runs.
    private readonly Channel<bool> _due = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tick = TickAsync(stoppingToken);
        var watch = WatchMembershipAsync(stoppingToken);
        try
        {
            await foreach (var _ in _due.Reader.ReadAllAsync(stoppingToken))
            {
                await RenewAllAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await Task.WhenAll(tick, watch);
    }

    private async Task TickAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Cluster.RenewEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                _due.Writer.TryWrite(true);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WatchMembershipAsync(CancellationToken stoppingToken)
    {
        var dead = 0;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var now = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Dead);
                if (now > dead)
                {
                    LogNodeDied(now - dead);
                    _due.Writer.TryWrite(true);
                }
                dead = now;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RenewAllAsync()
    {
        var resend = backplane.TakeRestored();
        await Task.WhenAll(channels.Channels().Select(async channel =>
        {
            try
            {
                await channels.RenewAsync(channel, resend);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // While the cluster recovers from a lost node the grain may be briefly unreachable; the next round retries.
                LogRenewFailed(channel, e.Message);
                if (resend)
                {
                    backplane.StillOwed();
                }
            }
        }));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Renewing {Channel} failed: {Reason}")]
    private partial void LogRenewFailed(string channel, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} node(s) of the cluster died: renewing every channel now")]
    private partial void LogNodeDied(int count);
}
