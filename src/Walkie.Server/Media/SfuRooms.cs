using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Walkie.Server.Channels;

namespace Walkie.Server.Media;

/// <summary>Gives every new channel Janus's room and mountpoint when an SFU is configured, and a mesh otherwise.</summary>
internal sealed class ChannelMediaFactory(IOptions<WalkieOptions> options, IServiceProvider services) : IChannelMediaFactory
{
    private readonly WalkieOptions _options = options.Value;

    public IChannelMedia Create(string channel) =>
        _options.Sfu.Enabled && _options.Sfu.MeshLimit == 0
            ? services.GetRequiredService<SfuRooms>().Open(channel)
            : new MeshMedia(_options.MaxParticipantsPerChannel);

    public int? GrownCap(IChannelMedia current, int members) =>
        _options.Sfu.Enabled && current is MeshMedia && members > _options.Sfu.MeshLimit ? _options.Sfu.MaxMembers : null;
}

/// <summary>The Janus rooms of this server's SFU channels, by channel name, while the channel exists.</summary>
internal sealed class SfuRooms(JanusConnection janus, ILogger<SfuRoom> log) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SfuRoom> _rooms = new(StringComparer.Ordinal);

    public int Count => _rooms.Count;

    public SfuRoom? Find(string channel) => _rooms.GetValueOrDefault(channel);

    public SfuRoom Open(string channel)
    {
        var room = Prepare(channel);
        // The registry opens a channel's media once, and only after the previous channel of that name closed.
        _rooms[channel] = room;
        return room;
    }

    /// <summary>A room for a mesh channel about to outgrow its mesh; found by name only once the channel took it.</summary>
    public SfuRoom Prepare(string channel) =>
        new(channel, janus, log, closed => _rooms.TryRemove(new(channel, closed)));

    /// <summary>The channel switched to this room.</summary>
    public void Adopted(SfuRoom room)
    {
        _rooms[room.Channel] = room;
        // It may have emptied and closed in between: a closed room must not stay listed.
        if (room.Finished.IsCompleted)
        {
            _rooms.TryRemove(new(room.Channel, room));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var room in _rooms.Values)
        {
            room.Close();
            await room.Finished.WaitAsync(janus.Options.RequestTimeout * 4).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
