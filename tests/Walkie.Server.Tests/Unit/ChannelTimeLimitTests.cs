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

    private Channel NewChannel(int limitSeconds) =>
        new("x", null, "198.51.100.7", new WalkieOptions { TransmitLimit = TimeSpan.FromSeconds(limitSeconds) },
            _time, _clients, NullLogger.Instance, (_, _) => { }, new MeshMedia(16));

    private static Participant Join(Channel channel, string connectionId, string name)
    {
        var self = new Participant("p-" + connectionId, name, connectionId);
        channel.Add(self, [], "all", "token");
        return self;
    }

    [Fact]
    public void TheTimeLimitRevokesTheHolderAndGrantsTheQueueHead()
    {
        var channel = NewChannel(30);
        var a = Join(channel, "ca", "Ann");
        var b = Join(channel, "cb", "Bob");
        channel.RequestFloor(a.Id);
        channel.RequestFloor(b.Id);

        _time.Advance(TimeSpan.FromSeconds(29.9));
        Assert.Empty(_clients.To<FloorRevokedEvent>("ca"));

        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal("time-limit", Assert.Single(_clients.To<FloorRevokedEvent>("ca")).Reason);
        var grant = Assert.Single(_clients.To<FloorGrantedEvent>("cb"));
        Assert.Equal(_time.GetUtcNow().AddSeconds(30).ToUnixTimeMilliseconds(), grant.ExpiresAt);
        Assert.Equal(b.Id, _clients.To<FloorChangedEvent>("ca").Last().Holder?.Id);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(_clients.To<FloorChangedEvent>("ca").Last().Holder);
        Assert.Single(_clients.To<FloorRevokedEvent>("cb"));
    }

    [Fact]
    public void AReleasedFloorIsNotRevokedLater()
    {
        var channel = NewChannel(30);
        var a = Join(channel, "ca", "Ann");
        channel.RequestFloor(a.Id);
        _time.Advance(TimeSpan.FromSeconds(10));
        channel.ReleaseFloor(a.Id);
        channel.RequestFloor(a.Id);
        _time.Advance(TimeSpan.FromSeconds(25));
        Assert.Empty(_clients.To<FloorRevokedEvent>("ca"));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Single(_clients.To<FloorRevokedEvent>("ca"));
    }

    [Fact]
    public void AZeroLimitNeverRevokes()
    {
        var channel = NewChannel(0);
        channel.RequestFloor(Join(channel, "ca", "Ann").Id);
        _time.Advance(TimeSpan.FromHours(2));
        Assert.Empty(_clients.To<FloorRevokedEvent>("ca"));
    }
}
