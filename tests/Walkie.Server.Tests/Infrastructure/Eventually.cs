namespace Walkie.Server.Tests.Infrastructure;

internal static class Eventually
{
    /// <summary>Retries until the condition holds, for what settles a moment after a call returns (a slot freed on disconnect).</summary>
    public static async Task Holds(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + RunningServer.Timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    public static async Task DisposeAllAsync(this IEnumerable<IAsyncDisposable> items)
    {
        foreach (var item in items)
        {
            await item.DisposeAsync();
        }
    }
}
