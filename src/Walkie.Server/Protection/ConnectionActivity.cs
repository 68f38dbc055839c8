using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections;

namespace Walkie.Server.Protection;

/// <summary>
/// Connection middleware in front of the hub: registers each connection with the client table and notes every
/// read from it. SignalR starts its client timeout only at a client's first ping, so a client that never pings
/// would otherwise stay forever; the sweeper closes it after the same timeout.
/// </summary>
internal static class ConnectionActivity
{
    /// <param name="firstConnection">Called on every connection; for work that must wait until SignalR has made one.</param>
    public static IConnectionBuilder UseConnectionActivity(this IConnectionBuilder builder, ClientTable clients, TimeProvider time, Action firstConnection) =>
        builder.Use(next => async connection =>
        {
            firstConnection();
            var address = ClientTable.KeyOf(connection.GetHttpContext()?.Connection.RemoteIpAddress);
            var client = clients.Register(connection.ConnectionId, address, connection);
            var transport = connection.Transport;
            connection.Transport = new TouchingPipe(transport, () => client.Touch(time.GetTimestamp()));
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

    private sealed class TouchingPipe(IDuplexPipe inner, Action touch) : IDuplexPipe
    {
        public PipeReader Input { get; } = new TouchingReader(inner.Input, touch);

        public PipeWriter Output => inner.Output;
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
