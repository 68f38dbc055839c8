using System.Net.Sockets;

namespace Walkie.Server.Tests.Infrastructure;

/// <summary>A real redis-server (the Debian package) on a free loopback port, keeping nothing on disk.</summary>
internal sealed class RedisServer : IAsyncDisposable
{
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

    /// <summary>Dies at once, forgetting everything: Orleans's membership table and every backplane subscription.</summary>
    public void Kill()
    {
        _process?.Kill();
        _process = null;
    }

    public async Task LaunchAsync()
    {
        _process = ServiceProcess.Start("redis-server", ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
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
    }
}
