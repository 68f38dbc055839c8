using Microsoft.AspNetCore.SignalR;
using Walkie.Server.Hubs;
using Walkie.Server.Ice;

namespace Walkie.Server.Channels;

internal static class ChannelsExtensions
{
    public static IServiceCollection AddChannels(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WalkieOptions>()
            .BindConfiguration(WalkieOptions.Section)
            .ValidateDataAnnotations()
            .Validate(WalkieOptionsValidation.IsValid, "Walkie options are inconsistent: check timeouts and ICE server URLs")
            .ValidateOnStart();

        var options = configuration.GetSection(WalkieOptions.Section).Get<WalkieOptions>() ?? new WalkieOptions();
        services.AddSignalR(hub =>
        {
            hub.MaximumReceiveMessageSize = options.MaxMessageBytes;
            hub.KeepAliveInterval = options.KeepAliveInterval;
            hub.ClientTimeoutInterval = options.ClientTimeoutInterval;
            hub.EnableDetailedErrors = false;
            hub.AddFilter<ErrorCodeFilter>();
        });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IChannelClients, HubChannelClients>();
        services.AddSingleton<IceServerProvider>();
        services.AddSingleton<ChannelRegistry>();
        return services;
    }

    public static IEndpointRouteBuilder MapChannels(this IEndpointRouteBuilder app)
    {
        app.MapHub<ChannelHub>("/hubs/channel");
        return app;
    }
}
