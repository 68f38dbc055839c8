using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using IPNetwork = System.Net.IPNetwork;

namespace Walkie.Server.Protection;

/// <summary>
/// Behind a reverse proxy every connection comes from the proxy, so the per-address limits would put all users in
/// one budget. Walkie:TrustedProxies names the proxies whose X-Forwarded-For and X-Forwarded-Proto are believed;
/// from anyone else those headers change nothing.
/// </summary>
internal static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services) =>
        services.AddSingleton<IValidateOptions<WalkieOptions>, Validation>();

    /// <summary>Must come before the protection middleware, so its limits already see the client's address.</summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app)
    {
        var entries = app.ApplicationServices.GetRequiredService<IOptions<WalkieOptions>>().Value.TrustedProxies;
        // The middleware with no known proxies believes every peer, so trusting nobody means leaving it out.
        if (entries.Count == 0)
        {
            return app;
        }
        var forwarded = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            // Only the entry the trusted proxy itself appended: anything left of it was written by the client.
            ForwardLimit = 1,
        };
        // The options start out trusting loopback; only the configured proxies may be believed.
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var entry in entries)
        {
            if (entry.Contains('/'))
            {
                forwarded.KnownIPNetworks.Add(IPNetwork.Parse(entry));
            }
            else
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(entry));
            }
        }
        return app.UseForwardedHeaders(forwarded);
    }

    /// <summary>An address, or a network in CIDR notation with no bits set past its prefix (10.0.0.0/8, fd00::/8).</summary>
    internal static bool IsValid(string entry)
    {
        var slash = entry.IndexOf('/');
        var address = slash < 0 ? entry : entry[..slash];
        return IPAddress.TryParse(address, out var ip)
            // IPAddress also reads "10" and "127.1" as IPv4 addresses; a typo must not trust some other machine.
            && (ip.AddressFamily != AddressFamily.InterNetwork || address.Count(c => c == '.') == 3)
            // IPNetwork clears the bits past the prefix; "10.0.0.1/8" may have meant one proxy, not a whole network.
            && (slash < 0 || (IPNetwork.TryParse(entry, out var network) && network.BaseAddress.Equals(ip)));
    }

    private sealed class Validation : IValidateOptions<WalkieOptions>
    {
        public ValidateOptionsResult Validate(string? name, WalkieOptions options)
        {
            var bad = options.TrustedProxies.Where(e => !IsValid(e)).ToList();
            return bad.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(
                    "Walkie:TrustedProxies takes IP addresses and CIDR networks with no bits past the prefix (such as 10.0.0.0/8), not: "
                    + string.Join(", ", bad.Select(b => $"'{b}'")));
        }
    }
}
