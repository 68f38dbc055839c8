using Microsoft.Extensions.Options;
using Walkie.Server.Media.Janus;

namespace Walkie.Server.Media;

/// <summary>
/// The one WebSocket to Janus that every SFU channel shares, opened when the first one needs it and opened again by the
/// next one after it dropped.
/// </summary>
internal sealed class JanusConnection(IOptions<WalkieOptions> options, TimeProvider time, ILogger<JanusConnection> log) : IAsyncDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private JanusClient? _client;

    public SfuOptions Options => options.Value.Sfu;

    public TimeProvider Time => time;

    /// <summary>An open connection; fails with <see cref="JanusUnavailableException"/> when Janus cannot be reached.</summary>
    public async Task<JanusClient> GetAsync(CancellationToken cancellation)
    {
        if (Volatile.Read(ref _client) is { IsClosed: false } open)
        {
            return open;
        }
        await _connecting.WaitAsync(cancellation);
        try
        {
            if (_client is { IsClosed: false } raced)
            {
                return raced;
            }
            if (_client is { } dropped)
            {
                await dropped.DisposeAsync();
            }
            _client = await JanusClient.ConnectAsync(Options, time, log, cancellation);
            _ = DiscardEventsAsync(_client);
            return _client;
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>
    /// Rooms need nothing Janus reports on its own yet (hangups, media up), but unread events would fill the client's
    /// bounded backlog and log a warning for each one dropped after that.
    /// </summary>
    private static async Task DiscardEventsAsync(JanusClient client)
    {
        await foreach (var _ in client.Events.ReadAllAsync())
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is { } client)
        {
            await client.DisposeAsync();
        }
        _connecting.Dispose();
    }
}
