using Microsoft.Net.Http.Headers;

namespace Walkie.Server.Client;

/// <summary>Serves the browser app that the build puts in wwwroot, at / and at /c/{channel}.</summary>
internal static class ClientExtensions
{
    public static WebApplication UseClient(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            // Vite names assets by content hash, so they never change; index.html must always be fresh.
            OnPrepareResponse = ctx => ctx.Context.Response.Headers[HeaderNames.CacheControl] =
                ctx.File.Name == "index.html" ? "no-cache" : "public, max-age=31536000, immutable",
        });
        return app;
    }

    public static IEndpointRouteBuilder MapClient(this IEndpointRouteBuilder app)
    {
        app.MapFallbackToFile("/c/{channel}", "index.html", new StaticFileOptions
        {
            OnPrepareResponse = ctx => ctx.Context.Response.Headers[HeaderNames.CacheControl] = "no-cache",
        });
        return app;
    }
}
