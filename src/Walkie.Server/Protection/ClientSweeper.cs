namespace Walkie.Server.Protection;

/// <summary>Once a second: cut off connections that went silent, forget addresses that hold nothing.</summary>
internal sealed partial class ClientSweeper(ClientTable clients, TimeProvider time, WalkieMetrics metrics, ILogger<ClientSweeper> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var client in clients.Sweep())
                {
                    metrics.ConnectionCut(ClientConnection.Silent);
                    LogSilent(client.Id);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cut off {Connection}: it sent nothing, not even a ping, for the client timeout")]
    private partial void LogSilent(string connection);
}
