using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration.Janus;

/// <summary>One Janus for a test class whose tests only make requests; each test uses ids of its own.</summary>
public sealed class JanusFixture : IAsyncLifetime
{
    internal JanusServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await JanusServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
