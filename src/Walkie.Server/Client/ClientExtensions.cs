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
            // Vite names what it puts in /assets by content hash, so those files never change. Everything else keeps
            // its name from version to version (index.html, sw.js, the manifest, the icons) and must be asked for
            // again: a browser holding on to an old sw.js would keep running an old app.
            OnPrepareResponse = ctx => ctx.Context.Response.Headers[HeaderNames.CacheControl] =
                ctx.Context.Request.Path.StartsWithSegments("/assets") ? "public, max-age=31536000, immutable" : "no-cache",
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
