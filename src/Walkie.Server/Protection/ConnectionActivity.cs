using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections;

namespace Walkie.Server.Protection;

/// <summary>
/// Connection middleware in front of the hub: registers each connection with the client table and notes every
/// read from it. SignalR starts its client timeout only at a client's first ping, so a client that never pings
/// would otherwise stay forever; the sweeper closes it after the same timeout. It also watches every write: a client
/// that has not taken what was written to it for that same timeout is cut off as a slow reader. The outbox bounds
/// what a channel on this node queues for a connection in bytes; events from a channel on another node arrive through
/// the Redis backplane, which queues them without a bound while the write ahead of them waits, so this is their bound.
/// </summary>
internal static class ConnectionActivity
{
    /// <param name="firstConnection">Called on every connection; for work that must wait until SignalR has made one.</param>
    public static IConnectionBuilder UseConnectionActivity(
        this IConnectionBuilder builder, ClientTable clients, TimeProvider time, TimeSpan stallLimit, Action<ClientConnection, string> stalled, Action firstConnection) =>
        builder.Use(next => async connection =>
        {
            firstConnection();
            var address = ClientTable.KeyOf(connection.GetHttpContext()?.Connection.RemoteIpAddress);
            var client = clients.Register(connection.ConnectionId, address, connection);
            var transport = connection.Transport;
            connection.Transport = new TouchingPipe(
                transport, () => client.Touch(time.GetTimestamp()), new WatchedWriter(transport.Output, time, stallLimit, () => stalled(client, connection.ConnectionId)));
            try
            {
                await next(connection);
            }
            finally
            {
                connection.Transport = transport;
                clients.Unregister(connection.ConnectionId);
            }
        });

    private sealed class TouchingPipe(IDuplexPipe inner, Action touch, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = new TouchingReader(inner.Input, touch);

        public PipeWriter Output => output;
    }

    /// <summary>A flush waits only when the client's socket and the 64 KiB pipe are full: it is not reading.</summary>
    private sealed class WatchedWriter(PipeWriter inner, TimeProvider time, TimeSpan limit, Action stalled) : PipeWriter
    {
        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            var flush = inner.FlushAsync(cancellationToken);
            return flush.IsCompleted ? flush : WatchedAsync(flush);
        }

        private async ValueTask<FlushResult> WatchedAsync(ValueTask<FlushResult> flush)
        {
            using var watch = time.CreateTimer(_ => stalled(), null, limit, Timeout.InfiniteTimeSpan);
            return await flush;
        }

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;
    }

    /// <summary>A read returns only when new bytes arrived (or the pipe ended), so each result is activity.</summary>
    private sealed class TouchingReader(PipeReader inner, Action touch) : PipeReader
    {
        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var result = await inner.ReadAsync(cancellationToken);
            touch();
            return result;
        }

        public override bool TryRead(out ReadResult result)
        {
            var read = inner.TryRead(out result);
            if (read)
            {
                touch();
            }
            return read;
        }

        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);
    }
}
