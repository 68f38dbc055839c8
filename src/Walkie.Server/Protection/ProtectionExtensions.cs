using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Walkie.Server.Protection;

/// <summary>What keeps one hostile client from taking the server down: caps, budgets, timeouts and headers.</summary>
internal static class ProtectionExtensions
{
    public static IServiceCollection AddProtection(this IServiceCollection services)
    {
        services.AddSingleton<WalkieMetrics>();
        services.AddSingleton<ClientTable>();
        services.AddHostedService<ClientSweeper>();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<WalkieOptions>>((kestrel, walkie) =>
        {
            kestrel.AddServerHeader = false;
            var cap = ConnectionCap.Resolve(walkie.Value.MaxConnections);
            kestrel.Limits.MaxConcurrentConnections = cap;
            kestrel.Limits.MaxConcurrentUpgradedConnections = cap;
            // An idle TCP connection holds a descriptor too; honest browsers send their request at once.
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(30);
        });
        return services;
    }

    public static IApplicationBuilder UseProtection(this IApplicationBuilder app, PathString hubPath)
    {
        app.UseSecurityHeaders();
        app.UseWhen(context => context.Request.Path.StartsWithSegments(hubPath), hub => hub.UseMiddleware<HubAdmission>());
        return app;
    }
}
