using System.Net;
using System.Text;

namespace Walkie.Server.Lan;

/// <summary>
/// `--lan`: phones on the same network in one command. Plain HTTP stays where it was (localhost by default), and
/// HTTPS with Walkie's own certificate listens on every interface, because browsers give the microphone only to
/// secure pages.
/// </summary>
internal static class LanMode
{
    public const string Flag = "--lan";

    /// <summary>The bare `--lan` flag as a setting, since configuration switches need a value.</summary>
    public static string[] ExpandFlag(string[] args) =>
        [.. args.Select(a => a == Flag ? "--Walkie:Lan:Enabled=true" : a)];

    public static WebApplicationBuilder AddLanMode(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Walkie:Lan").Get<LanOptions>() ?? new LanOptions();
        if (!options.Enabled)
        {
            return builder;
        }
        if (options.Port is < 1 or > 65535)
        {
            throw new InvalidOperationException($"Walkie:Lan:Port must be 1-65535, not {options.Port}.");
        }

        var addresses = LanAddresses.Discover();
        var names = LanAddresses.Names();
        var certificate = LanCertificate.LoadOrCreate(options.ResolvedCertificatePath, addresses, names, TimeProvider.System.GetUtcNow());
        var http = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls ? urls : "http://localhost:5000";
        builder.WebHost.UseUrls($"{http};https://*:{options.Port}");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
        builder.Services.AddSingleton(new LanEndpoint(options.Port, addresses));
        return builder;
    }

    public static WebApplication UseLanMode(this WebApplication app)
    {
        if (app.Services.GetService<LanEndpoint>() is not { } lan)
        {
            return app;
        }
        // A phone that typed the plain-HTTP address would get a page without a microphone: send it to HTTPS.
        app.Use((context, next) =>
        {
            if (!context.Request.IsHttps && context.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote))
            {
                var host = new HostString(context.Request.Host.Host, lan.Port);
                context.Response.Redirect($"https://{host}{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}");
                return Task.CompletedTask;
            }
            return next(context);
        });
        app.Lifetime.ApplicationStarted.Register(() => Console.Out.Write(Banner(lan)));
        return app;
    }

    /// <summary>What the terminal shows: the addresses to open, a QR code of the first, and the one-time step on phones.</summary>
    internal static string Banner(LanEndpoint lan)
    {
        var text = new StringBuilder();
        text.Append("\nWalkie LAN mode: phones and laptops on this network can open\n");
        if (lan.Addresses.Count == 0)
        {
            text.Append("  (no network address found: connect this machine to the Wi-Fi or LAN and start again)\n");
            return text.ToString();
        }
        foreach (var address in lan.Addresses)
        {
            text.Append("  ").Append(LanAddresses.Url(address, lan.Port)).Append('\n');
        }
        var first = LanAddresses.Url(lan.Addresses[0], lan.Port);
        text.Append("\nScan to open ").Append(first).Append(":\n\n");
        text.Append(TerminalQr.Render(first));
        text.Append("""

            The certificate is Walkie's own, so each phone warns once that the connection is not private:
              Android (Chrome): Advanced, then "Proceed to ... (unsafe)".
              iPhone (Safari): Show Details, then "visit this website", then Visit Website.
            The certificate is kept and reused, so later visits go straight in.

            """);
        return text.ToString();
    }
}

internal sealed record LanEndpoint(int Port, IReadOnlyList<IPAddress> Addresses);
