using Microsoft.AspNetCore.SignalR;

namespace Walkie.Server.Hubs;

/// <summary>Turns domain refusals into the wire's "code: message" HubException.</summary>
internal sealed class ErrorCodeFilter(ILogger<ErrorCodeFilter> log) : IHubFilter
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
            log.LogDebug("{Method} refused: {Code}", invocationContext.HubMethodName, e.Code);
            throw new HubException($"{e.Code}: {e.Message}");
        }
    }
}
