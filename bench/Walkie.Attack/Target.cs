using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Walkie.Attack;

/// <summary>The server under attack: where it listens, its log file, and its process, whose memory is read from /proc.</summary>
internal sealed class Target(Uri baseUrl, int pid, string? logPath)
{
    public Uri BaseUrl { get; } = baseUrl;
    public Uri Hub { get; } = new(baseUrl, "/hubs/channel");
    public IPEndPoint EndPoint { get; } = new(IPAddress.Parse(baseUrl.Host), baseUrl.Port);
    public string? LogPath { get; } = logPath;

    /// <summary>Resident memory now, or null once the process is gone.</summary>
    public long? Rss() => Status("VmRSS");

    /// <summary>The most memory the process has ever had resident (it is fresh for every attack).</summary>
    public long? PeakRss() => Status("VmHWM");

    public bool Alive => Status("VmRSS") is not null;

    private long? Status(string field)
    {
        try
        {
            // A process that has exited but is not yet reaped has no Vm lines, so it reads as gone.
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>A real SignalR client that pings as the protocol asks, started, with its handlers wired first.</summary>
    public async Task<HubConnection> Open(Action<HubConnection>? handlers = null)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(Hub, o =>
            {
                o.SkipNegotiation = true;
                o.Transports = HttpTransportType.WebSockets;
            })
            .Build();
        connection.KeepAliveInterval = TimeSpan.FromSeconds(5);
        connection.ServerTimeout = TimeSpan.FromSeconds(30);
        handlers?.Invoke(connection);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await connection.StartAsync(timeout.Token);
        return connection;
    }

    /// <summary>Times GET /healthz: "200 in 3 ms", or why it failed.</summary>
    public async Task<string> Health()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            using var response = await http.GetAsync(new Uri(BaseUrl, "/healthz"));
            return $"{(int)response.StatusCode} in {watch.ElapsedMilliseconds} ms";
        }
        catch (Exception e)
        {
            return $"no answer ({Outcome.Classify(e, CancellationToken.None)} after {watch.ElapsedMilliseconds} ms)";
        }
    }

    public long LogLength() => LogPath is not null && File.Exists(LogPath) ? new FileInfo(LogPath).Length : 0;

    /// <summary>The log text written since <paramref name="from"/> bytes.</summary>
    public string LogSince(long from)
    {
        if (LogPath is null || !File.Exists(LogPath))
        {
            return "";
        }
        using var file = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Seek(Math.Min(from, file.Length), SeekOrigin.Begin);
        return new StreamReader(file).ReadToEnd();
    }
}

internal static class HubConnectionExtensions
{
    /// <summary>Joins and returns the participant id; a refusal throws.</summary>
    public static async Task<string> Join(this HubConnection connection, string channel, string name, string? passcode = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var joined = await connection.InvokeAsync<JsonElement>("Join", new { channel, name, passcode }, timeout.Token);
        return joined.GetProperty("self").GetProperty("id").GetString()!;
    }

    /// <summary>Closes connections without letting a dead server hold the attack up.</summary>
    public static async Task DisposeAll(this IEnumerable<HubConnection> connections)
    {
        try
        {
            await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask())).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"closing clients: {e.Message}");
        }
    }
}
