using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Walkie.Server.Channels;
using Walkie.Server.Hubs;
using Walkie.Server.Ice;
using Walkie.Server.Protection;

namespace Walkie.Server.Tests.Unit;

public class ChannelTimeLimitTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
    private readonly RecordingClients _clients = new();

    private ChannelRegistry NewRegistry(int limitSeconds) =>
        new(Options.Create(new WalkieOptions { TransmitLimit = TimeSpan.FromSeconds(limitSeconds) }),
            _time, _clients, new IceServerProvider(Options.Create(new WalkieOptions()), _time),
            new ClientTable(Options.Create(new WalkieOptions()), _time), new ResumeTokens(Options.Create(new WalkieOptions())), new MeshMediaFactory(16), NullLogger<ChannelRegistry>.Instance);

    [Fact]
    public void TheTimeLimitRevokesTheHolderAndGrantsTheQueueHead()
    {
        var registry = NewRegistry(30);
        var a = registry.Join("ca", "198.51.100.7", new JoinRequest("x", "Ann", null));
        var b = registry.Join("cb", "198.51.100.7", new JoinRequest("x", "Bob", null));
        var channel = registry.Find("ca").Channel;
        channel.RequestFloor(a.Self.Id);
        channel.RequestFloor(b.Self.Id);

        _time.Advance(TimeSpan.FromSeconds(29.9));
        Assert.Empty(_clients.To<FloorRevokedEvent>("ca"));

        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal("time-limit", Assert.Single(_clients.To<FloorRevokedEvent>("ca")).Reason);
        var grant = Assert.Single(_clients.To<FloorGrantedEvent>("cb"));
        Assert.Equal(_time.GetUtcNow().AddSeconds(30).ToUnixTimeMilliseconds(), grant.ExpiresAt);
        Assert.Equal(b.Self.Id, _clients.To<FloorChangedEvent>("ca").Last().Holder?.Id);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(_clients.To<FloorChangedEvent>("ca").Last().Holder);
        Assert.Single(_clients.To<FloorRevokedEvent>("cb"));
    }

    [Fact]
    public void AReleasedFloorIsNotRevokedLater()
    {
        var registry = NewRegistry(30);
        var a = registry.Join("ca", "198.51.100.7", new JoinRequest("x", "Ann", null));
        var channel = registry.Find("ca").Channel;
        channel.RequestFloor(a.Self.Id);
        _time.Advance(TimeSpan.FromSeconds(10));
        channel.ReleaseFloor(a.Self.Id);
        channel.RequestFloor(a.Self.Id);
        _time.Advance(TimeSpan.FromSeconds(25));
        Assert.Empty(_clients.To<FloorRevokedEvent>("ca"));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Single(_clients.To<FloorRevokedEvent>("ca"));
    }

    [Fact]
    public void AZeroLimitNeverRevokes()
    {
        var registry = NewRegistry(0);
        var a = registry.Join("ca", "198.51.100.7", new JoinRequest("x", "Ann", null));
        registry.Find("ca").Channel.RequestFloor(a.Self.Id);
        _time.Advance(TimeSpan.FromHours(2));
        Assert.Empty(_clients.To<FloorRevokedEvent>("ca"));
    }
}
