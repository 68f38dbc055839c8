using Microsoft.Extensions.Options;
using Walkie.Server.Hubs;

namespace Walkie.Server.Cluster;

/// <summary>
/// Renews this node's members with their channels' grains, three times per lease. It keeps them in while the node
/// lives, and rebuilds a channel whose grain came back empty on another node after its host died.
/// </summary>
internal sealed partial class LeaseRenewer(ClusterChannels channels, IOptions<WalkieOptions> options, TimeProvider time, ILogger<LeaseRenewer> log)
    : BackgroundService
{
    private readonly ILogger _log = log;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Cluster.RenewEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RenewAllAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RenewAllAsync()
    {
        await Task.WhenAll(channels.Channels().Select(async channel =>
        {
            try
            {
                await channels.RenewAsync(channel);
            }
            catch (WalkieError e)
            {
                // While the cluster recovers from a lost node the grain may be briefly unreachable; the next round retries.
                LogRenewFailed(channel, e.Message);
            }
        }));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Renewing {Channel} failed: {Reason}")]
    private partial void LogRenewFailed(string channel, string reason);
}
