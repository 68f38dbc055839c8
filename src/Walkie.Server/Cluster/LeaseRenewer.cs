using Microsoft.Extensions.Options;

namespace Walkie.Server.Cluster;

/// <summary>
/// Renews this node's members with their channels' grains, three times per lease. It keeps them in while the node
/// lives, and rebuilds a channel whose grain came back empty on another node after its host died.
/// </summary>
internal sealed partial class LeaseRenewer(ClusterChannels channels, ClusterNode node, IOptions<WalkieOptions> options, TimeProvider time, ILogger<LeaseRenewer> log)
    : BackgroundService
{
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
        var renewals = channels.ByChannel().Select(async group =>
        {
            var members = group.Select(m => new RenewedMember(m.Member.Id, m.Member.Name, m.ConnectionId)).ToList();
            try
            {
                await channels.Grain(group.Key).Renew(new Renewal(node.Id, group.First().Member.Passcode, members));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // While the cluster recovers from a lost node the grain may be briefly unreachable; the next round retries.
                LogRenewFailed(group.Key, e.Message);
            }
        });
        await Task.WhenAll(renewals);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Renewing {Channel} failed: {Reason}")]
    private partial void LogRenewFailed(string channel, string reason);
}
