using System.Runtime.InteropServices;
using Microsoft.AspNetCore.SignalR;
using Walkie.Server.Protection;

namespace Walkie.Server.Hubs;

/// <summary>
/// Tells every client the server is going away, so it shows that and reconnects at once. SignalR aborts every
/// connection on ApplicationStopping, dropping output still on its way, and stopping callbacks have no reliable
/// order; a SIGTERM handler registered after the host's runs before it, so that is where the announcement goes
/// out, with a short pause for it to leave. Other stops announce on ApplicationStopping, on a best-effort basis.
/// A client that misses it still reconnects at once when its socket closes.
/// </summary>
internal sealed class ShutdownAnnouncer(IHubContext<ChannelHub, IChannelClient> hub, IHostApplicationLifetime lifetime, TimeProvider time, ClientTable clients)
{
    public const long RetryAfterMs = 250;
    private static readonly TimeSpan FlushPause = TimeSpan.FromMilliseconds(250);
    private int _registered;
    private int _announced;
    private PosixSignalRegistration? _sigterm;

    /// <summary>True from the announcement on, before the host itself knows it is stopping.</summary>
    public bool Stopping => Volatile.Read(ref _announced) != 0;

    /// <summary>Registers on the first connection: by then the host has registered its own SIGTERM handler.</summary>
    public void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) != 0)
        {
            return;
        }
        lifetime.ApplicationStopping.Register(Announce);
        try
        {
            _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Announce());
        }
        catch (PlatformNotSupportedException)
        {
        }
    }

    private void Announce()
    {
        if (Interlocked.Exchange(ref _announced, 1) != 0)
        {
            return;
        }
        // Bounded: a client that does not read must not hold the shutdown up.
        // This process's connections only: in a cluster, All would reach every node's clients through the backplane,
        // and they would wait for a restart that is not theirs. One by one, because the backplane writes a single
        // local connection directly but publishes a list of them through Redis, a round trip a stopping node may not get.
        var closing = new ServerClosingEvent(RetryAfterMs);
        var sent = clients.ConnectionIds().Select(id => hub.Clients.Client(id).ServerClosing(closing)).ToArray();
        // A connection that closed meanwhile fails its own send and no one else's. With nobody told, nothing needs to leave.
        if (sent.Length > 0 && Task.WhenAll(sent).ContinueWith(_ => { }, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(2)))
        {
            Task.Delay(FlushPause, time).Wait();
        }
    }
}
