namespace Walkie.Server.Hubs;

/// <summary>A refusal with a stable machine code. The hub filter turns it into "code: message".</summary>
internal sealed class WalkieError(string code, string message) : Exception(message)
{
    public string Code { get; } = code;

    public static WalkieError BadRequest(string message) => new(ErrorCodes.BadRequest, message);
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
    public const string ChannelFull = "channel-full";
    public const string ServerFull = "server-full";
    public const string UnknownParticipant = "unknown-participant";
    public const string InvalidSignal = "invalid-signal";
    public const string TooLarge = "too-large";
}
