using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Walkie.Server.Channels;
using Walkie.Server.Hubs;
using Walkie.Server.Ice;
using Walkie.Server.Protection;

namespace Walkie.Server.Tests.Unit;

/// <summary>A channel outgrowing its media: what the new media learns, and who gets told.</summary>
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

    private static Participant Join(Channel channel, string connectionId, string name)
    {
        var self = new Participant("p-" + connectionId, name, connectionId);
        channel.Add(self, [], "all", "token");
        return self;
    }

    [Fact]
    public void AChannelSwitchedToNewMediaTellsItTheMembersAndFloorFirstAndEveryoneOfTheChange()
    {
        var factory = new GrowingFactory();
        var channel = new Channel("x", null, Address, new WalkieOptions(), _time, _clients, NullLogger.Instance, (_, _) => { }, factory.Create("x"));
        var ann = Join(channel, "c1", "Ann");
        var bob = Join(channel, "c2", "Bob");
        channel.RequestFloor(ann.Id);

        var big = new FakeMedia("big", 4);
        channel.SwitchMedia(big);
        var cy = new Participant("p-c3", "Cy", "c3");
        var joined = channel.Add(cy, [], "all", "token");

        Assert.Same(big, channel.Media);
        Assert.Equal("big", joined.Media.Topology);
        Assert.Equal(4, joined.Limits.MaxParticipants);
        Assert.Equal(ann.Id, joined.Floor.Holder?.Id);
        Assert.Contains("close", factory.Made[0].Calls);
        // The new media learns the members and the floor holder before the joiner is added.
        Assert.Equal(["joined:" + ann.Id, "joined:" + bob.Id, "floor:" + ann.Id, "joined:" + cy.Id], big.Calls);
        Assert.Equal("big", Assert.Single(_clients.To<MediaChangedEvent>("c1")).Topology);
        Assert.Equal("big", Assert.Single(_clients.To<MediaChangedEvent>("c2")).Topology);
        Assert.Empty(_clients.To<MediaChangedEvent>("c3"));
    }
}
