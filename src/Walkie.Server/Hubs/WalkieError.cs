using System.Globalization;

namespace Walkie.Server.Hubs;

/// <summary>A refusal with a stable machine code. The hub filter turns it into "code: message".</summary>
internal sealed class WalkieError(string code, string message) : Exception(message)
{
    public string Code { get; } = code;

    public static WalkieError BadRequest(string message) => new(ErrorCodes.BadRequest, message);

    /// <summary>The message ends "(retry in N ms)", which clients may parse to wait exactly that long.</summary>
    public static WalkieError RateLimited(string message, TimeSpan retryAfter) =>
        new(ErrorCodes.RateLimited, $"{message} (retry in {Math.Max(1, (long)Math.Ceiling(retryAfter.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture)} ms)");
}

internal static class ErrorCodes
{
    public const string BadRequest = "bad-request";
    public const string NotJoined = "not-joined";
    public const string InvalidChannel = "invalid-channel";
    public const string InvalidName = "invalid-name";
    public const string InvalidPasscode = "invalid-passcode";
    public const string PasscodeRequired = "passcode-required";
    public const string WrongPasscode = "wrong-passcode";
    public const string ChannelOpen = "channel-open";
    public const string ChannelFull = "channel-full";
    public const string ServerFull = "server-full";
    public const string ChannelLimit = "channel-limit";
    public const string UnknownParticipant = "unknown-participant";
    public const string InvalidSignal = "invalid-signal";
    public const string TooLarge = "too-large";
    public const string RateLimited = "rate-limited";
    public const string InternalError = "internal-error";
    public const string SfuUnavailable = "sfu-unavailable";
    public const string NotSfu = "not-sfu";
    public const string ChannelUnavailable = "channel-unavailable";
}
