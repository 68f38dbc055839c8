using Walkie.Server.Channels;
using Walkie.Server.Client;

namespace Walkie.Server;

public static class Program
{
    public static void Main(string[] args) => Build(args).Run();

    /// <param name="configure">Lets tests add configuration and log sinks before the app is built.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.Services.AddChannels(builder.Configuration);

        var app = builder.Build();
        app.UseClient();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapChannels();
        app.MapClient();
        return app;
    }
}
