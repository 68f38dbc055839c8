namespace Walkie.Server.Protection;

internal static class LogFilters
{
    /// <summary>
    /// SignalR's dispatcher logs every refused call at Error with a stack trace, which lets any client fill the
    /// disk. Walkie's error filter counts refusals and logs real failures itself, so that category stays quiet.
    /// </summary>
    public static ILoggingBuilder AddWalkieFilters(this ILoggingBuilder logging) =>
        logging.AddFilter("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogLevel.None);
}
