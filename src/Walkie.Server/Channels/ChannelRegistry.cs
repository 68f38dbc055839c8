using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Walkie.Server.Hubs;
using Walkie.Server.Ice;
using Walkie.Server.Protection;

namespace Walkie.Server.Channels;

internal sealed record Membership(Channel Channel, Participant Self);

/// <summary>
/// All channels of this server and which connection is in which. Joins and leaves take one registry-wide lock
/// (and then the channel's), so a channel is never emptied and removed while someone joins it.
/// Floor and signaling calls only take their channel's lock.
/// </summary>
internal sealed class ChannelRegistry(
    IOptions<WalkieOptions> options,
    TimeProvider time,
    IChannelClients clients,
    IceServerProvider ice,
    ClientTable addresses,
    ResumeTokens tokens,
    IChannelMediaFactory media,
    ILogger<ChannelRegistry> log)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Channel> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Membership> _byConnection = new(StringComparer.Ordinal);
    private readonly WalkieOptions _options = options.Value;
    private readonly ChannelAdmission _admission = new(addresses, media);

    public int ChannelCount
    {
        get { lock (_gate) { return _channels.Count; } }
    }

    /// <summary>The channel of this name, while it has members.</summary>
    public Channel? Named(string channel)
    {
        lock (_gate) { return _channels.GetValueOrDefault(channel); }
    }

    public Membership Find(string connectionId) =>
        _byConnection.TryGetValue(connectionId, out var m)
            ? m
            : throw new WalkieError(ErrorCodes.NotJoined, "join a channel first");

    /// <param name="address">The caller's address key, charged with the channels it creates and its wrong passcodes.</param>
    /// <param name="grown">
    /// Ready media for a channel this join makes outgrow its own, after a <see cref="MediaMustGrowException"/>. The
    /// registry owns it from here: it is closed unless the channel switches to it.
    /// </param>
    public JoinResult Join(string connectionId, string address, JoinRequest request, IChannelMedia? grown = null)
    {
        try
        {
            return JoinOrGrow(connectionId, address, request, ref grown);
        }
        finally
        {
            grown?.Close();
        }
    }

    private JoinResult JoinOrGrow(string connectionId, string address, JoinRequest request, ref IChannelMedia? grown)
    {
        var channelName = ChannelInput.Channel(request.Channel);
        var name = ChannelInput.Name(request.Name);
        var passcode = ChannelInput.PasscodeHash(request.Passcode);

        lock (_gate)
        {
            if (TryResume(connectionId, channelName, request.Resume) is { } resumed)
            {
                return resumed;
            }
            _byConnection.TryGetValue(connectionId, out var previous);
            var rejoining = previous?.Channel.Name == channelName;
            if (_channels.TryGetValue(channelName, out var existing))
            {
                // Refuse before leaving the old channel: a failed join loses nothing.
                _admission.CheckPasscode(existing, address, passcode);
                if (_admission.MustGrow(existing, existing.Count - (rejoining ? 1 : 0) + 1))
                {
                    if (grown is null)
                    {
                        throw new MediaMustGrowException(channelName);
                    }
                    existing.SwitchMedia(grown);
                    grown = null;
                }
            }
            else if (_channels.Count >= _options.MaxChannels)
            {
                throw new WalkieError(ErrorCodes.ServerFull, $"this server already has {_options.MaxChannels} channels");
            }
            else if (!addresses.TryCreateChannel(address))
            {
                throw new WalkieError(ErrorCodes.ChannelLimit, $"your address already started {_options.MaxChannelsPerAddress} channels that are still open");
            }

            if (previous is not null)
            {
                LeaveLocked(connectionId, previous);
            }
            if (!_channels.TryGetValue(channelName, out var channel))
            {
                channel = new Channel(channelName, passcode, address, _options, time, clients, log, GraceEnded, media.Create(channelName));
                _channels.Add(channelName, channel);
            }
            var self = new Participant(ChannelAdmission.NewParticipantId(), ChannelInput.Distinct(name, channel.MemberNames()), connectionId);
            var result = channel.Add(self, ice.For(self.Id), ice.TransportPolicy, tokens.Issue(channelName, self.Id));
            _byConnection[connectionId] = new Membership(channel, self);
            return result;
        }
    }

    public void Leave(string connectionId)
    {
        lock (_gate)
        {
            if (_byConnection.TryGetValue(connectionId, out var membership))
            {
                LeaveLocked(connectionId, membership);
            }
        }
    }

    /// <summary>
    /// The connection is gone without a Leave: a dropped network, a reload, a closed tab. The member stays, away,
    /// for the resume grace, so a client that comes back in time is the same participant again.
    /// </summary>
    public void Disconnected(string connectionId)
    {
        lock (_gate)
        {
            if (!_byConnection.TryRemove(connectionId, out var membership))
            {
                return;
            }
            if (_options.Resume.Grace <= TimeSpan.Zero)
            {
                RemoveMember(membership.Channel, membership.Self.Id);
                return;
            }
            membership.Channel.Away(membership.Self.Id);
        }
    }

    /// <summary>
    /// A valid token for a seat that still exists in this channel takes that seat back, whichever connection held
    /// it: the passcode was checked when the token was issued. Anything else is an ordinary join.
    /// </summary>
    private JoinResult? TryResume(string connectionId, string channelName, string? token)
    {
        if (tokens.Read(token) is not var (tokenChannel, participantId)
            || tokenChannel != channelName
            || !_channels.TryGetValue(channelName, out var channel)
            || !channel.Has(participantId))
        {
            return null;
        }
        if (_byConnection.TryGetValue(connectionId, out var previous) && previous.Self.Id != participantId)
        {
            LeaveLocked(connectionId, previous);
        }
        var (snapshot, replaced) = channel.Resume(
            participantId, connectionId, ice.For(participantId), ice.TransportPolicy, tokens.Issue(channelName, participantId));
        if (replaced is not null && replaced != connectionId)
        {
            // Closed at once, so the old connection can neither act for the member nor make them appear twice.
            _byConnection.TryRemove(replaced, out _);
            addresses.Find(replaced)?.Abort(ClientConnection.Replaced);
        }
        _byConnection[connectionId] = new Membership(channel, new Participant(participantId, snapshot.Self.Name, connectionId));
        return snapshot;
    }

    private void GraceEnded(Channel channel, string participantId)
    {
        lock (_gate)
        {
            if (channel.IsAway(participantId))
            {
                RemoveMember(channel, participantId);
            }
        }
    }

    private void LeaveLocked(string connectionId, Membership membership)
    {
        _byConnection.TryRemove(connectionId, out _);
        RemoveMember(membership.Channel, membership.Self.Id);
    }

    private void RemoveMember(Channel channel, string participantId)
    {
        if (channel.Remove(participantId) == 0 && _channels.Remove(channel.Name))
        {
            // An empty channel is forgotten with its passcode, so the next joiner starts it afresh.
            channel.Close();
            addresses.ChannelRemoved(channel.CreatedBy);
        }
    }
}
