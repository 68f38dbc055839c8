using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Walkie.Server.Channels;
using Walkie.Server.Protection;

namespace Walkie.Server.Hubs;

/// <summary>
/// Sends to one connection at a time and counts what is still waiting to be written to it. SignalR queues a
/// connection's writes without bound when its client stops reading; past MaxQueuedOutputBytes the outbox drops
/// the send and cuts the connection off, which frees everything queued for it.
/// </summary>
internal sealed partial class Outbox(
    IHubContext<ChannelHub, IChannelClient> hub, ClientTable clients, IOptions<WalkieOptions> options, WalkieMetrics metrics, ILogger<Outbox> log)
    : IChannelClients
{
    public void Send(string connectionId, int bytes, Func<IChannelClient, Task> send)
    {
        var client = clients.Find(connectionId);
        if (client is not null && !client.TryQueue(bytes, options.Value.MaxQueuedOutputBytes))
        {
            if (client.Abort(ClientConnection.SlowReader))
            {
                metrics.ConnectionCut(ClientConnection.SlowReader);
                LogSlowReader(connectionId, client.QueuedBytes);
            }
            return;
        }
        Task task;
        try
        {
            task = send(hub.Clients.Client(connectionId));
        }
        catch (Exception e)
        {
            client?.Dequeue(bytes);
            LogSendFailed(e, connectionId);
            return;
        }
        if (task.IsCompleted)
        {
            Written(task, client, bytes, connectionId);
            return;
        }
        task.ContinueWith(
            (t, state) => Written(t, client, bytes, (string)state!),
            connectionId,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void Written(Task task, ClientConnection? client, int bytes, string connectionId)
    {
        client?.Dequeue(bytes);
        if (task.IsFaulted)
        {
            LogSendFailed(task.Exception, connectionId);
        }
    }

    /// <summary>A write to this client waited a whole client timeout: it is not reading, whoever sent what.</summary>
    public void Stalled(ClientConnection client, string connectionId)
    {
        if (client.Abort(ClientConnection.Stalled))
        {
            metrics.ConnectionCut(ClientConnection.Stalled);
            LogStalled(connectionId, options.Value.ClientTimeoutInterval.TotalSeconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cut off {Connection}: it took nothing written to it for {Seconds} s")]
    private partial void LogStalled(string connection, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cut off {Connection}: {Bytes} bytes waiting for it to read")]
    private partial void LogSlowReader(string connection, long bytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A send to {Connection} failed")]
    private partial void LogSendFailed(Exception? exception, string connection);
}
