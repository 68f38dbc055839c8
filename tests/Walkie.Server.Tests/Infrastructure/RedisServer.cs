using System.Net.Sockets;

namespace Walkie.Server.Tests.Infrastructure;

/// <summary>
/// A real redis-server (the Debian package) on a free loopback port. It keeps an append-only file in its own temp
/// folder, written on every change, as README asks of a cluster's Redis: a restart, even after SIGKILL, comes back
/// with Orleans's membership table.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("walkie-redis-").FullName;
    private ServiceProcess? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var redis = new RedisServer(ServiceProcess.FreeTcpPort());
        await redis.LaunchAsync();
        return redis;
    }

    /// <summary>Dies at once: every connection and backplane subscription drops; what was written is in its file.</summary>
    public void Kill()
    {
        _process?.Kill();
        _process = null;
    }

    public async Task LaunchAsync()
    {
        _process = ServiceProcess.Start("redis-server",
            ["--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _directory, "--save", "", "--appendonly", "yes", "--appendfsync", "always"]);
        var deadline = DateTime.UtcNow + RunningServer.Timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
        Directory.Delete(_directory, recursive: true);
    }
}
