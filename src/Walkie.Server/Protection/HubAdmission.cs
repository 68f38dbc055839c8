using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Walkie.Server.Protection;

/// <summary>
/// The HTTP door to the hub, before SignalR sees a request: pages from foreign origins are turned away, each
/// address may open connections only at a bounded rate, and only so many at once.
/// </summary>
internal sealed partial class HubAdmission(
    RequestDelegate next,
    ClientTable clients,
    IOptions<WalkieOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    Hubs.ShutdownAnnouncer shutdown,
    WalkieMetrics metrics,
    ILogger<HubAdmission> log)
{
    private readonly WalkieOptions _options = options.Value;

    public async Task InvokeAsync(HttpContext context)
    {
        // SignalR closes every connection when shutdown begins, but Kestrel still listens for a moment: a client
        // that reconnects at once would land on the stopping server and hold its shutdown up.
        if (lifetime.ApplicationStopping.IsCancellationRequested || shutdown.Stopping)
        {
            await Refuse(context, StatusCodes.Status503ServiceUnavailable, "stopping", "the server is restarting");
            return;
        }
        if (!OriginAllowed(context.Request))
        {
            await Refuse(context, StatusCodes.Status403Forbidden, "origin", "this page's origin may not use this Walkie server");
            return;
        }
        var address = ClientTable.KeyOf(context.Connection.RemoteIpAddress);
        if (_options.RateLimits.Enabled)
        {
            var budget = _options.RateLimits.Connect;
            using var lease = clients.Bucket(address, "connect", () => new TokenBucket(budget.AddressPerSecond, budget.AddressBurst, time)).AttemptAcquire();
            if (!lease.IsAcquired)
            {
                context.Response.Headers.RetryAfter = "1";
                await Refuse(context, StatusCodes.Status429TooManyRequests, "connect-rate", "too many connection attempts from your address");
                return;
            }
        }
        if (context.Request.Path.Value?.EndsWith("/negotiate", StringComparison.Ordinal) == true)
        {
            await next(context);
            return;
        }
        // A WebSocket request lives as long as its connection, so the count holds for the connection's lifetime.
        if (!clients.TryOpen(address))
        {
            await Refuse(context, StatusCodes.Status429TooManyRequests, "address-cap", "too many connections from your address");
            return;
        }
        try
        {
            await next(context);
        }
        finally
        {
            clients.Closed(address);
        }
    }

    /// <summary>
    /// Browsers always send Origin on WebSocket and cross-origin requests; other clients may omit it and are let
    /// through, since they could send any Origin they liked. Only host and port are compared with the request's
    /// own, so a TLS-terminating proxy in front does not make the server's own pages foreign.
    /// </summary>
    private bool OriginAllowed(HttpRequest request)
    {
        var origin = request.Headers[HeaderNames.Origin].ToString();
        if (origin.Length == 0)
        {
            return true;
        }
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return false;
        }
        if (string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        var normalised = uri.GetLeftPart(UriPartial.Authority);
        return _options.AllowedOrigins.Any(o => string.Equals(o.TrimEnd('/'), normalised, StringComparison.OrdinalIgnoreCase));
    }

    private Task Refuse(HttpContext context, int status, string reason, string message)
    {
        metrics.TurnedAway(reason);
        LogRefused(reason);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused a hub connection: {Reason}")]
    private partial void LogRefused(string reason);
}
