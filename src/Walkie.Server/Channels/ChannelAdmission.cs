using System.Security.Cryptography;
using Walkie.Server.Hubs;
using Walkie.Server.Protection;

namespace Walkie.Server.Channels;

/// <summary>What a join into an existing channel must pass, wherever the channel lives: its passcode and its size.</summary>
internal sealed class ChannelAdmission(ClientTable addresses, IChannelMediaFactory media)
{
    /// <summary>
    /// While an address is locked out of a channel, every passcode it presents there is refused alike, right or
    /// wrong, so guessing learns nothing until the wait is over. A passcode for an open channel is refused too:
    /// its sender believes the channel is private, and must not talk in it unaware that anyone may listen.
    /// </summary>
    public void CheckPasscode(Channel channel, string address, byte[]? presented)
    {
        if (channel.PasscodeHash is not { } expected)
        {
            if (presented is not null)
            {
                throw new WalkieError(ErrorCodes.ChannelOpen, "this channel has no passcode, so anyone may join it; join without one or pick another name");
            }
            return;
        }
        if (presented is null)
        {
            throw new WalkieError(ErrorCodes.PasscodeRequired, "this channel needs a passcode");
        }
        if (addresses.PasscodeLockout(address, channel.Name) is { } wait)
        {
            throw WalkieError.RateLimited("too many wrong passcodes for this channel", wait);
        }
        if (!ChannelInput.PasscodeMatches(expected, presented))
        {
            addresses.PasscodeFailed(address, channel.Name);
            throw new WalkieError(ErrorCodes.WrongPasscode, "that passcode is not right for this channel");
        }
        addresses.PasscodeSucceeded(address, channel.Name);
    }

    /// <summary>
    /// Refuses a channel that is full at <paramref name="size"/> members. True when it has room only once its media
    /// grows: the caller makes the new media ready, off every lock, and switches the channel to it.
    /// </summary>
    public bool MustGrow(Channel channel, int size)
    {
        var grownCap = media.GrownCap(channel.Media, size);
        var cap = grownCap ?? channel.Media.MaxMembers;
        if (size > cap)
        {
            throw new WalkieError(ErrorCodes.ChannelFull, $"this channel already has {cap} participants");
        }
        return grownCap is not null;
    }

    /// <summary>Random, so ids reveal nothing about connections or join order and cannot be guessed.</summary>
    public static string NewParticipantId() =>
        "p-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(9));
}
