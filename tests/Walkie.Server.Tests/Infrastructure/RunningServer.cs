using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Walkie.Server.Tests.Infrastructure;

/// <summary>The real Walkie app on real Kestrel, on a free loopback port, with its log lines captured.</summary>
internal sealed class RunningServer : IWalkieTarget
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _logs;

    private RunningServer(WebApplication app, ConcurrentQueue<string> logs, Uri address, TimeSpan keepAlive)
    {
        _app = app;
        _logs = logs;
        Address = address;
        KeepAlive = keepAlive;
    }

    public TimeSpan KeepAlive { get; }

    public IServiceProvider Services => _app.Services;

    public Uri Address { get; }

    public Uri HubUrl => new(Address, "/hubs/channel");

    /// <summary>Every line logged at the chosen level (Information by default) or above, formatted with its arguments.</summary>
    public IReadOnlyCollection<string> Logs => _logs;

    /// <param name="webRoot">A folder to serve as the built client instead of the default wwwroot.</param>
    public static async Task<RunningServer> StartAsync(Dictionary<string, string?>? settings = null, LogLevel logLevel = LogLevel.Information, string? webRoot = null)
    {
        var logs = new ConcurrentQueue<string>();
        string[] args = ["--urls", "http://127.0.0.1:0", "--environment", "Testing", .. webRoot is null ? [] : new[] { "--webroot", webRoot }];
        var app = Program.Build(args, builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings ?? []);
            // Categories configured in appsettings.json would otherwise keep their own, higher levels.
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = logLevel.ToString(),
                ["Logging:LogLevel:Microsoft.AspNetCore"] = logLevel < LogLevel.Warning ? logLevel.ToString() : "Warning",
            });
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(new CapturingLoggerProvider(logs));
        });
        await app.StartAsync().WaitAsync(Timeout);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var keepAlive = app.Services.GetRequiredService<IOptions<WalkieOptions>>().Value.KeepAliveInterval;
        return new RunningServer(app, logs, new Uri(address), keepAlive);
    }

    public async Task<TestClient> ConnectAsync() => await TestClient.ConnectAsync(HubUrl, KeepAlive);

    public async Task<TestClient> JoinAsync(string channel, string name, string? passcode = null)
    {
        var client = await ConnectAsync();
        await client.JoinAsync(channel, name, passcode);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(Timeout);
        await _app.DisposeAsync();
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(sink);
        public void Dispose() { }
    }

    private sealed class CapturingLogger(ConcurrentQueue<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Trace;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                sink.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
