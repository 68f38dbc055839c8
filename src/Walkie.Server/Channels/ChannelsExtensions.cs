using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Walkie.Server.Hubs;
using Walkie.Server.Ice;
using Walkie.Server.Media;
using Walkie.Server.Protection;

namespace Walkie.Server.Channels;

internal static class ChannelsExtensions
{
    public const string HubPath = "/hubs/channel";

    public static IServiceCollection AddChannels(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WalkieOptions>()
            .BindConfiguration(WalkieOptions.Section)
            .ValidateDataAnnotations()
            .Validate(WalkieOptionsValidation.IsValid, "Walkie options are inconsistent: check timeouts, origins, rate limits, ICE server URLs and the SFU")
            .ValidateOnStart();

        var options = configuration.GetSection(WalkieOptions.Section).Get<WalkieOptions>() ?? new WalkieOptions();
        services.AddSignalR(hub =>
        {
            hub.MaximumReceiveMessageSize = options.MaxMessageBytes;
            hub.KeepAliveInterval = options.KeepAliveInterval;
            hub.ClientTimeoutInterval = options.ClientTimeoutInterval;
            hub.HandshakeTimeout = options.HandshakeTimeout;
            hub.MaximumParallelInvocationsPerClient = 1;
            hub.EnableDetailedErrors = false;
            // Outermost first: rate-limit refusals are WalkieErrors that the error filter turns into codes.
            hub.AddFilter<ErrorCodeFilter>();
            hub.AddFilter<HubRateLimits>();
        });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Outbox>();
        services.AddSingleton<IChannelClients>(sp => sp.GetRequiredService<Outbox>());
        services.AddSingleton<IceServerProvider>();
        services.AddSingleton<ResumeTokens>();
        services.AddSingleton<ShutdownAnnouncer>();
        services.AddSingleton<IChannelMediaFactory, ChannelMediaFactory>();
        services.AddSingleton<JanusConnection>();
        services.AddSingleton<SfuRooms>();
        return services;
    }

    /// <summary>
    /// MapHub's own steps, with connection middleware in front of the hub. WebSockets only: every browser that
    /// has WebRTC has them, and the fallbacks would each be one more way in.
    /// </summary>
    public static IEndpointRouteBuilder MapChannels(this IEndpointRouteBuilder app)
    {
        var clients = app.ServiceProvider.GetRequiredService<ClientTable>();
        var time = app.ServiceProvider.GetRequiredService<TimeProvider>();
        var shutdown = app.ServiceProvider.GetRequiredService<ShutdownAnnouncer>();
        var options = app.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<WalkieOptions>>().Value;
        var outbox = app.ServiceProvider.GetRequiredService<Outbox>();
        app.MapConnections(
                HubPath,
                new HttpConnectionDispatcherOptions
                {
                    Transports = HttpTransportType.WebSockets,
                    TransportMaxBufferSize = options.MaxMessageBytes,
                    ApplicationMaxBufferSize = 64 * 1024,
                },
                connection => connection
                    .UseConnectionActivity(clients, time, options.ClientTimeoutInterval, outbox.Stalled, shutdown.EnsureRegistered)
                    .UseHub<ChannelHub>())
            .WithMetadata(new HubMetadata(typeof(ChannelHub)));
        return app;
    }
}
