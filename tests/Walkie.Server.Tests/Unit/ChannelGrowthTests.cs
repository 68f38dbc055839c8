using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Walkie.Server.Channels;
using Walkie.Server.Hubs;
using Walkie.Server.Ice;
using Walkie.Server.Protection;

namespace Walkie.Server.Tests.Unit;

/// <summary>The registry's side of a channel outgrowing its media: who gets told, who owns the media made ready.</summary>
public class ChannelGrowthTests
{
    private const string Address = "198.51.100.7";
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingClients _clients = new();

    /// <summary>Meshes of up to two; a third member needs "big" media with room for four.</summary>
    private sealed class GrowingFactory : IChannelMediaFactory
    {
        public List<FakeMedia> Made { get; } = [];

        public IChannelMedia Create(string channel)
        {
            Made.Add(new FakeMedia("mesh", 16));
            return Made[^1];
        }

        public int? GrownCap(IChannelMedia current, int members) => current.Topology == "mesh" && members > 2 ? 4 : null;
    }

    private sealed class FakeMedia(string topology, int maxMembers) : IChannelMedia
    {
        public List<string> Calls { get; } = [];

        public string Topology => topology;

        public int MaxMembers => maxMembers;

        public void FloorHolder(string? participantId) => Calls.Add($"floor:{participantId}");

        public void MemberJoined(string participantId) => Calls.Add($"joined:{participantId}");

        public void MemberLeft(string participantId) => Calls.Add($"left:{participantId}");

        public void Close() => Calls.Add("close");

        public event Action? Interrupted
        {
            add { }
            remove { }
        }

        public event Action? Renewed
        {
            add { }
            remove { }
        }
    }

    private (ChannelRegistry Registry, GrowingFactory Factory) NewRegistry()
    {
        var o = Options.Create(new WalkieOptions());
        var factory = new GrowingFactory();
        return (new(o, _time, _clients, new IceServerProvider(o, _time), new ClientTable(o, _time), new ResumeTokens(o), factory, NullLogger<ChannelRegistry>.Instance), factory);
    }

    [Fact]
    public void TheJoinPastTheLimitAsksForNewMediaAndChangesNothingUntilItHasIt()
    {
        var (registry, factory) = NewRegistry();
        var ann = registry.Join("c1", Address, new JoinRequest("x", "Ann", null));
        registry.Join("c2", Address, new JoinRequest("x", "Bob", null));

        Assert.Equal("x", Assert.Throws<MediaMustGrowException>(() => registry.Join("c3", Address, new JoinRequest("x", "Cy", null))).Channel);
        Assert.Equal(2, registry.Find("c1").Channel.Count);
        Assert.Empty(_clients.To<MediaChangedEvent>("c1"));
        Assert.DoesNotContain("close", factory.Made[0].Calls);

        registry.Find("c1").Channel.RequestFloor(ann.Self.Id);
        var big = new FakeMedia("big", 4);
        var cy = registry.Join("c3", Address, new JoinRequest("x", "Cy", null), big);

        Assert.Equal("big", cy.Media.Topology);
        Assert.Equal(4, cy.Limits.MaxParticipants);
        Assert.Equal(ann.Self.Id, cy.Floor.Holder?.Id);
        Assert.Same(big, registry.Find("c1").Channel.Media);
        Assert.Contains("close", factory.Made[0].Calls);
        // The new media learns the members and the floor holder before the joiner is added.
        Assert.Equal(["joined:" + ann.Self.Id, $"joined:{registry.Find("c2").Self.Id}", "floor:" + ann.Self.Id, "joined:" + cy.Self.Id], big.Calls);
        Assert.Equal("big", Assert.Single(_clients.To<MediaChangedEvent>("c1")).Topology);
        Assert.Equal("big", Assert.Single(_clients.To<MediaChangedEvent>("c2")).Topology);
        Assert.Empty(_clients.To<MediaChangedEvent>("c3"));
    }

    [Fact]
    public void MediaMadeReadyForAJoinThatFailsIsClosed()
    {
        var (registry, _) = NewRegistry();
        registry.Join("c1", Address, new JoinRequest("locked", "Ann", "pw"));
        registry.Join("c2", Address, new JoinRequest("locked", "Bob", "pw"));
        var big = new FakeMedia("big", 4);

        Assert.Equal(ErrorCodes.WrongPasscode, Assert.Throws<WalkieError>(() => registry.Join("c3", Address, new JoinRequest("locked", "Cy", "nope"), big)).Code);
        Assert.Equal(["close"], big.Calls);
        Assert.Equal("mesh", registry.Find("c1").Channel.Media.Topology);
    }

    [Fact]
    public void MediaMadeReadyForAChannelThatNoLongerNeedsItIsClosed()
    {
        var (registry, _) = NewRegistry();
        registry.Join("c1", Address, new JoinRequest("x", "Ann", null));
        var big = new FakeMedia("big", 4);

        Assert.Equal("mesh", registry.Join("c2", Address, new JoinRequest("x", "Bob", null), big).Media.Topology);
        Assert.Equal(["close"], big.Calls);
    }
}
