using Walkie.Server.Channels;
using Walkie.Server.Client;
using Walkie.Server.Cluster;
using Walkie.Server.Lan;
using Walkie.Server.Protection;

namespace Walkie.Server;

public static class Program
{
    public static void Main(string[] args) => Build(args).Run();

    /// <param name="configure">Lets tests add configuration and log sinks before the app is built.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(LanMode.ExpandFlag(args));
        configure?.Invoke(builder);
        builder.AddLanMode();
        builder.Logging.AddWalkieFilters();
        builder.Services.AddChannels(builder.Configuration);
        builder.AddCluster();
        builder.Services.AddProtection();
        builder.Services.AddTrustedProxies();

        var app = builder.Build();
        app.UseTrustedProxies();
        app.UseLanMode();
        app.UseProtection(ChannelsExtensions.HubPath);
        app.UseClient();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapChannels();
        app.MapClient();
        return app;
    }
}
