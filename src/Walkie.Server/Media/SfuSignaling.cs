using System.Text;
using Walkie.Server.Channels;
using Walkie.Server.Hubs;
using Walkie.Server.Signaling;

namespace Walkie.Server.Media;

/// <summary>What the hub's Sfu* methods do: check the caller and their SDP, and hand them to their channel's room.</summary>
internal sealed class SfuSignaling(ChannelRegistry channels, SfuRooms rooms)
{
    /// <summary>
    /// Joins; a join that takes a mesh channel past the mesh limit first has Janus make the channel's room, off every
    /// lock, and then joins again with it. When Janus cannot make it the join is refused and the mesh stays as it was.
    /// </summary>
    public async Task<JoinResult> JoinAsync(string connectionId, string address, JoinRequest request, CancellationToken cancellation)
    {
        JoinResult joined;
        try
        {
            joined = channels.Join(connectionId, address, request);
        }
        catch (MediaMustGrowException grow)
        {
            var room = rooms.Prepare(grow.Channel);
            try
            {
                await room.ReadyAsync(cancellation);
            }
            catch
            {
                room.Close();
                throw;
            }
            joined = channels.Join(connectionId, address, request, room);
            if (ReferenceEquals(channels.Find(connectionId).Channel.Media, room))
            {
                rooms.Adopted(room);
            }
        }
        return await JoinedAsync(connectionId, joined, cancellation);
    }

    /// <summary>
    /// A member of an SFU channel is only in once Janus has its room: when Janus cannot make it, the join is undone
    /// and refused, rather than leaving someone in a channel they can neither hear nor be heard in.
    /// </summary>
    private async Task<JoinResult> JoinedAsync(string connectionId, JoinResult joined, CancellationToken cancellation)
    {
        if (channels.Find(connectionId).Channel.Media is not SfuRoom room)
        {
            return joined;
        }
        try
        {
            await room.ReadyAsync(cancellation);
            return joined;
        }
        catch (WalkieError)
        {
            channels.Leave(connectionId);
            throw;
        }
    }

    public async Task<SfuPublishResult> PublishAsync(string connectionId, SfuPublishRequest request, CancellationToken cancellation)
    {
        var offer = Sdp(request.Offer, "offer");
        var (room, self) = RoomOf(connectionId);
        var answer = await room.PublishAsync(self.Id, offer, cancellation);
        return new SfuPublishResult(new SessionDescription("answer", answer));
    }

    public async Task<SfuListenResult> ListenAsync(string connectionId, CancellationToken cancellation)
    {
        var (room, self) = RoomOf(connectionId);
        var offer = await room.ListenAsync(self.Id, cancellation);
        return new SfuListenResult(new SessionDescription("offer", offer));
    }

    public Task AnswerAsync(string connectionId, SfuAnswerRequest request, CancellationToken cancellation)
    {
        var answer = Sdp(request.Answer, "answer");
        var (room, self) = RoomOf(connectionId);
        return room.AnswerAsync(self.Id, answer, cancellation);
    }

    private (SfuRoom Room, Participant Self) RoomOf(string connectionId)
    {
        var (channel, self) = channels.Find(connectionId);
        return channel.Media is SfuRoom room
            ? (room, self)
            : throw new WalkieError(ErrorCodes.NotSfu, "this channel is a mesh: connect to the others with Signal");
    }

    internal static string Sdp(SessionDescription? description, string type)
    {
        if (description is null || description.Type != type || string.IsNullOrEmpty(description.Sdp))
        {
            throw new WalkieError(ErrorCodes.InvalidSignal, $"expected an {type} with an 'sdp' string");
        }
        if (Encoding.UTF8.GetByteCount(description.Sdp) > SignalRules.MaxSdpBytes)
        {
            throw new WalkieError(ErrorCodes.TooLarge, $"an SDP is at most {SignalRules.MaxSdpBytes} bytes");
        }
        return description.Sdp;
    }
}
