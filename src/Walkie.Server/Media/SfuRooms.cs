using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Walkie.Server.Channels;

namespace Walkie.Server.Media;

/// <summary>Gives every new channel Janus's room and mountpoint when an SFU is configured, and a mesh otherwise.</summary>
internal sealed class ChannelMediaFactory(IOptions<WalkieOptions> options, IServiceProvider services) : IChannelMediaFactory
{
    private readonly WalkieOptions _options = options.Value;

    public IChannelMedia Create(string channel) =>
        _options.Sfu.Enabled
            ? services.GetRequiredService<SfuRooms>().Open(channel)
            : new MeshMedia(_options.MaxParticipantsPerChannel);
}

/// <summary>The Janus rooms of this server's SFU channels, by channel name, while the channel exists.</summary>
internal sealed class SfuRooms(JanusConnection janus, ILogger<SfuRoom> log) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SfuRoom> _rooms = new(StringComparer.Ordinal);

    public int Count => _rooms.Count;

    public SfuRoom? Find(string channel) => _rooms.GetValueOrDefault(channel);

    public SfuRoom Open(string channel)
    {
        var room = new SfuRoom(channel, janus, log, closed => _rooms.TryRemove(new(channel, closed)));
        // The registry opens a channel's media once, and only after the previous channel of that name closed.
        _rooms[channel] = room;
        return room;
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
