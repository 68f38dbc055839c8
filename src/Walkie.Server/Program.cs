using Walkie.Server.Channels;
using Walkie.Server.Client;
using Walkie.Server.Protection;

namespace Walkie.Server;

public static class Program
{
    public static void Main(string[] args) => Build(args).Run();

    /// <param name="configure">Lets tests add configuration and log sinks before the app is built.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.Logging.AddWalkieFilters();
        builder.Services.AddChannels(builder.Configuration);
        builder.Services.AddProtection();
        builder.Services.AddTrustedProxies();

        var app = builder.Build();
        app.UseTrustedProxies();
        app.UseProtection(ChannelsExtensions.HubPath);
        app.UseClient();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapChannels();
        app.MapClient();
        return app;
    }
}
