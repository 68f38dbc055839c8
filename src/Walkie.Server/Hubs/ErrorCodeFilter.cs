using Microsoft.AspNetCore.SignalR;
using Walkie.Server.Protection;

namespace Walkie.Server.Hubs;

/// <summary>
/// Turns domain refusals into the wire's "code: message" HubException. Refusals are the client's doing and come
/// as fast as a client likes, so they are counted and logged at Debug without a stack trace; anything else is a
/// bug in Walkie, logged at Error, and the client still gets a coded answer.
/// </summary>
internal sealed partial class ErrorCodeFilter(WalkieMetrics metrics, ILogger<ErrorCodeFilter> log) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (WalkieError e)
        {
            metrics.Refused(invocationContext.HubMethodName, e.Code);
            LogRefused(invocationContext.HubMethodName, e.Code);
            throw new HubException($"{e.Code}: {e.Message}");
        }
        catch (Exception e) when (e is not HubException)
        {
            metrics.Refused(invocationContext.HubMethodName, ErrorCodes.InternalError);
            LogFailed(e, invocationContext.HubMethodName);
            throw new HubException($"{ErrorCodes.InternalError}: the server could not handle that call");
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} refused: {Code}")]
    private partial void LogRefused(string method, string code);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} failed")]
    private partial void LogFailed(Exception exception, string method);
}
