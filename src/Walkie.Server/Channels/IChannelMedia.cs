namespace Walkie.Server.Channels;

/// <summary>
/// How one channel's audio travels, as the channel sees it. The channel tells it who holds the floor and who left;
/// every call is made under the channel's lock, so an implementation only records and returns at once.
/// </summary>
internal interface IChannelMedia
{
    /// <summary>"mesh" or "sfu": what the Join result tells clients to build.</summary>
    string Topology { get; }

    /// <summary>The most members the channel takes with this topology.</summary>
    int MaxMembers { get; }

    void FloorHolder(string? participantId);

    void MemberJoined(string participantId);

    void MemberLeft(string participantId);

    /// <summary>The channel emptied and is gone.</summary>
    void Close();

    /// <summary>
    /// Raised, outside the channel's lock, when the media went away underneath the channel (Janus died): nobody hears
    /// anybody until <see cref="Renewed"/>. The floor is kept meanwhile.
    /// </summary>
    event Action? Interrupted;

    /// <summary>
    /// Raised, outside the channel's lock, when the media was rebuilt underneath the channel (Janus restarted): every
    /// member's connections to it are dead, and they must connect again.
    /// </summary>
    event Action? Renewed;
}

/// <summary>Picks the media of each new channel.</summary>
internal interface IChannelMediaFactory
{
    IChannelMedia Create(string channel);

    /// <summary>
    /// The cap a channel with this media would have once it switched to carry this many members, or null when it keeps
    /// its media. A switch needs the new media made ready first.
    /// </summary>
    int? GrownCap(IChannelMedia current, int members);
}

/// <summary>Every member sends to every other; the server only relays their signals.</summary>
internal sealed class MeshMedia(int maxMembers) : IChannelMedia
{
    public const string Name = "mesh";

    public string Topology => Name;

    public int MaxMembers => maxMembers;

    public void FloorHolder(string? participantId)
    {
    }

    public void MemberJoined(string participantId)
    {
    }

    public void MemberLeft(string participantId)
    {
    }

    public void Close()
    {
    }

    // Nothing sits between mesh members that could go away or be rebuilt.
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

internal sealed class MeshMediaFactory(int maxMembers) : IChannelMediaFactory
{
    public IChannelMedia Create(string channel) => new MeshMedia(maxMembers);

    public int? GrownCap(IChannelMedia current, int members) => null;
}
