using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Walkie.Server.Channels;
using Walkie.Server.Hubs;
using Walkie.Server.Ice;
using Walkie.Server.Protection;

namespace Walkie.Server.Tests.Unit;

public class ChannelRegistryTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingClients _clients = new();

    private ChannelRegistry NewRegistry(WalkieOptions? options = null)
    {
        var o = Options.Create(options ?? new WalkieOptions());
        return new(o, _time, _clients, new IceServerProvider(o, _time), new ClientTable(o, _time), new ResumeTokens(o), new MeshMediaFactory(o.Value.MaxParticipantsPerChannel), NullLogger<ChannelRegistry>.Instance);
    }

    private static string CodeOf(Action action) => Assert.Throws<WalkieError>(action).Code;

    [Fact]
    public void ChannelNamesAreCaseInsensitive()
    {
        var registry = NewRegistry();
        registry.Join("c1", "198.51.100.7", new JoinRequest("Ops-Team", "Ann", null));
        var second = registry.Join("c2", "198.51.100.7", new JoinRequest("ops-team", "Bob", null));
        Assert.Equal("ops-team", second.Channel);
        Assert.Single(second.Participants);
        Assert.Equal(1, registry.ChannelCount);
    }

    [Fact]
    public void DuplicateNamesGetANumberSuffix()
    {
        var registry = NewRegistry();
        registry.Join("c1", "198.51.100.7", new JoinRequest("x", "Ann", null));
        Assert.Equal("ann 2", registry.Join("c2", "198.51.100.7", new JoinRequest("x", "ann", null)).Self.Name);
        Assert.Equal("Ann 3", registry.Join("c3", "198.51.100.7", new JoinRequest("x", "Ann", null)).Self.Name);
    }

    [Fact]
    public void EmptyChannelsDisappearWithTheirPasscode()
    {
        var registry = NewRegistry();
        registry.Join("c1", "198.51.100.7", new JoinRequest("x", "Ann", "secret"));
        registry.Leave("c1");
        Assert.Equal(0, registry.ChannelCount);
        registry.Join("c2", "198.51.100.7", new JoinRequest("x", "Bob", null));
        Assert.Equal(1, registry.ChannelCount);
    }

    [Fact]
    public void ChannelAndServerLimitsAreEnforced()
    {
        var registry = NewRegistry(new WalkieOptions { MaxParticipantsPerChannel = 2, MaxChannels = 1 });
        registry.Join("c1", "198.51.100.7", new JoinRequest("x", "Ann", null));
        registry.Join("c2", "198.51.100.7", new JoinRequest("x", "Bob", null));
        Assert.Equal(ErrorCodes.ChannelFull, CodeOf(() => registry.Join("c3", "198.51.100.7", new JoinRequest("x", "Cy", null))));
        Assert.Equal(ErrorCodes.ServerFull, CodeOf(() => registry.Join("c3", "198.51.100.7", new JoinRequest("y", "Cy", null))));
    }

    [Fact]
    public void JoiningAnotherChannelLeavesTheFirst()
    {
        var registry = NewRegistry();
        var first = registry.Join("c1", "198.51.100.7", new JoinRequest("x", "Ann", null));
        registry.Join("c2", "198.51.100.7", new JoinRequest("x", "Bob", null));
        registry.Join("c1", "198.51.100.7", new JoinRequest("y", "Ann", null));
        Assert.Equal("y", registry.Find("c1").Channel.Name);
        Assert.Contains(_clients.To<ParticipantLeftEvent>("c2"), e => e.Id == first.Self.Id);
    }

    [Fact]
    public void AFailedJoinKeepsTheOldMembership()
    {
        var registry = NewRegistry();
        registry.Join("c1", "198.51.100.7", new JoinRequest("locked", "Ann", "pw"));
        registry.Join("c2", "198.51.100.7", new JoinRequest("open", "Bob", null));
        Assert.Equal(ErrorCodes.WrongPasscode, CodeOf(() => registry.Join("c2", "198.51.100.7", new JoinRequest("locked", "Bob", "nope"))));
        Assert.Equal(ErrorCodes.PasscodeRequired, CodeOf(() => registry.Join("c2", "198.51.100.7", new JoinRequest("locked", "Bob", null))));
        Assert.Equal(ErrorCodes.InvalidName, CodeOf(() => registry.Join("c2", "198.51.100.7", new JoinRequest("locked", " ", "pw"))));
        Assert.Equal("open", registry.Find("c2").Channel.Name);
        Assert.Equal("locked", registry.Join("c2", "198.51.100.7", new JoinRequest("LOCKED", "Bob", "pw")).Channel);
    }

    [Fact]
    public void ParticipantIdsAreOpaqueAndNotConnectionIds()
    {
        var registry = NewRegistry();
        var a = registry.Join("conn-a", "198.51.100.7", new JoinRequest("x", "Ann", null));
        var b = registry.Join("conn-b", "198.51.100.7", new JoinRequest("x", "Bob", null));
        Assert.NotEqual(a.Self.Id, b.Self.Id);
        Assert.DoesNotContain("conn", a.Self.Id);
    }
}
