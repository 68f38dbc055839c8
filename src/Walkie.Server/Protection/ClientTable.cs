using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Walkie.Server.Protection;

/// <summary>
/// Every hub connection and every client address the server currently knows, with what each may still do.
/// Addresses are forgotten once they hold nothing and have been quiet for a while, so the table stays bounded
/// by the connection cap plus the addresses seen in the last few minutes.
/// </summary>
internal sealed class ClientTable(IOptions<WalkieOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ClientConnection> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ClientAddress> _addresses = new(StringComparer.Ordinal);
    private readonly WalkieOptions _options = options.Value;

    public int ConnectionCount => _connections.Count;

    public int AddressCount => _addresses.Count;

    /// <summary>IPv4 addresses stand for themselves; IPv6 ones by their /64, since one subscriber gets a whole /64.</summary>
    public static string KeyOf(IPAddress? ip)
    {
        if (ip is null)
        {
            return "unknown";
        }
        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }
        if (ip.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return ip.ToString();
        }
        var bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    public ClientConnection? Find(string connectionId) => _connections.GetValueOrDefault(connectionId);

    /// <summary>The hub connections of this process (in a cluster, of this node alone).</summary>
    public IReadOnlyList<string> ConnectionIds() => [.. _connections.Keys];

    public ClientConnection Register(string connectionId, string address, ConnectionContext connection)
    {
        var client = new ClientConnection(connectionId, address, connection, time.GetTimestamp());
        _connections[connectionId] = client;
        return client;
    }

    public void Unregister(string connectionId) => _connections.TryRemove(connectionId, out _);

    /// <summary>Counts a new hub connection against its address's cap.</summary>
    public bool TryOpen(string address) => With(address, a =>
    {
        if (a.Connections >= _options.MaxConnectionsPerAddress)
        {
            return false;
        }
        a.Connections++;
        return true;
    });

    public void Closed(string address) => With(address, a => a.Connections--);

    /// <summary>Counts a new channel against its creator's cap.</summary>
    public bool TryCreateChannel(string address) => With(address, a =>
    {
        if (a.Channels >= _options.MaxChannelsPerAddress)
        {
            return false;
        }
        a.Channels++;
        return true;
    });

    public void ChannelRemoved(string address) => With(address, a => a.Channels--);

    public TokenBucket Bucket(string address, string method, Func<TokenBucket> create) => With(address, a =>
    {
        if (!a.Buckets.TryGetValue(method, out var bucket))
        {
            a.Buckets[method] = bucket = create();
        }
        return bucket;
    });

    /// <summary>How long this address must still wait before it may try a passcode on this channel again.</summary>
    public TimeSpan? PasscodeLockout(string address, string channel) => With(address, a =>
        a.Passcodes.TryGetValue(channel, out var f) && f.LockedUntil > time.GetUtcNow()
            ? f.LockedUntil - time.GetUtcNow()
            : (TimeSpan?)null);

    /// <summary>The free failures pass; each further one doubles the wait, up to the configured maximum.</summary>
    public void PasscodeFailed(string address, string channel) => With(address, a =>
    {
        var limits = _options.RateLimits;
        if (!a.Passcodes.TryGetValue(channel, out var f))
        {
            if (a.Passcodes.Count >= ClientAddress.MaxPasscodeChannels)
            {
                a.Passcodes.Remove(a.Passcodes.MinBy(p => p.Value.LastFailure).Key);
            }
            f = new PasscodeFailures();
        }
        var failures = f.Count + 1;
        var beyond = failures - limits.FreePasscodeFailures;
        var wait = beyond <= 0
            ? TimeSpan.Zero
            : TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Min(beyond - 1, 30)), limits.MaxPasscodeLockout.TotalSeconds));
        var now = time.GetUtcNow();
        a.Passcodes[channel] = new PasscodeFailures(failures, now, now + wait);
        return 0;
    });

    public void PasscodeSucceeded(string address, string channel) => With(address, a => a.Passcodes.Remove(channel));

    /// <summary>Cuts off connections that sent nothing for the client timeout, pings included, and forgets idle addresses.</summary>
    public IReadOnlyList<ClientConnection> Sweep()
    {
        var silent = new List<ClientConnection>();
        foreach (var client in _connections.Values)
        {
            if (time.GetElapsedTime(client.LastInbound) > _options.ClientTimeoutInterval && client.Abort(ClientConnection.Silent))
            {
                silent.Add(client);
            }
        }
        var forgetAfter = _options.RateLimits.MaxPasscodeLockout + TimeSpan.FromMinutes(1);
        foreach (var (key, address) in _addresses)
        {
            lock (address.Gate)
            {
                if (address.Connections == 0 && address.Channels == 0 && time.GetElapsedTime(address.LastActive) > forgetAfter)
                {
                    address.Removed = true;
                    _addresses.TryRemove(key, out _);
                }
            }
        }
        return silent;
    }

    private T With<T>(string key, Func<ClientAddress, T> action)
    {
        while (true)
        {
            var address = _addresses.GetOrAdd(key, static _ => new ClientAddress());
            lock (address.Gate)
            {
                // The sweeper may have dropped this entry between the lookup and the lock; take the fresh one.
                if (address.Removed)
                {
                    continue;
                }
                address.LastActive = time.GetTimestamp();
                return action(address);
            }
        }
    }

    private sealed class ClientAddress
    {
        public const int MaxPasscodeChannels = 256;

        public readonly Lock Gate = new();
        public readonly Dictionary<string, TokenBucket> Buckets = new(StringComparer.Ordinal);
        public readonly Dictionary<string, PasscodeFailures> Passcodes = new(StringComparer.Ordinal);
        public bool Removed;
        public int Connections;
        public int Channels;
        public long LastActive;
    }

    private readonly record struct PasscodeFailures(int Count, DateTimeOffset LastFailure, DateTimeOffset LockedUntil);
}
