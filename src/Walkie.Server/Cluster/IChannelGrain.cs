using Orleans.Concurrency;
using Walkie.Server.Hubs;

namespace Walkie.Server.Cluster;

/// <summary>
/// One channel in a cluster, addressed by its name: Orleans keeps one activation of it in the whole cluster and runs
/// its calls one at a time. Callers name themselves by participant and connection, so a connection that was replaced
/// by a resume can no longer act for the member. Refusals come back as a code and a message, not as exceptions.
/// </summary>
internal interface IChannelGrain : IGrainWithStringKey
{
    /// <param name="node">The joining connection's node, which the channel asks to close a connection that a resume replaced.</param>
    Task<GrainReply<GrainJoined>> Join(GrainJoin join, INodeConnections node);

    Task Leave(string participantId, string connectionId);

    Task Disconnected(string participantId, string connectionId);

    Task<GrainReply<bool>> Relay(string participantId, string connectionId, SignalRequest signal);

    Task<GrainReply<FloorRequestResponse>> RequestFloor(string participantId, string connectionId);

    Task<GrainReply<FloorChangedEvent>> ReleaseFloor(string participantId, string connectionId);

    /// <summary>A node's members of this channel, still connected to it; rebuilds a channel whose activation was lost.</summary>
    Task Renew(Renewal renewal, INodeConnections node);

    /// <summary>
    /// The node stopped waiting for this connection's join (it timed out): whoever the join seats on it, then or
    /// already, goes again, so nobody is left in the channel on a connection that believes it was refused.
    /// </summary>
    Task Abandoned(string connectionId);

    /// <summary>An away member's grace ran out (called by the channel's own timer).</summary>
    Task GraceEnded(string participantId);

    // Janus answers take milliseconds to seconds; other members' calls need not wait for them, and the room is thread-safe.
    [AlwaysInterleave]
    Task<GrainReply<string>> SfuPublish(string participantId, string connectionId, string offer);

    [AlwaysInterleave]
    Task<GrainReply<string>> SfuListen(string participantId, string connectionId);

    [AlwaysInterleave]
    Task<GrainReply<bool>> SfuAnswer(string participantId, string connectionId, string answer);
}

/// <param name="Passcode">The hash of the passcode presented, if any.</param>
/// <param name="ResumeId">The participant a valid resume token names, for this channel.</param>
internal sealed record GrainJoin(string ConnectionId, string Node, string Address, string Name, byte[]? Passcode, string? ResumeId);

/// <param name="ChannelPasscode">The channel's passcode hash, which the node renews with, so a channel made again stays private.</param>
internal sealed record GrainJoined(JoinResult Result, byte[]? ChannelPasscode);

internal sealed record RenewedMember(string Id, string Name, string ConnectionId);

/// <param name="Resend">This node's backplane was cut off: its members may have missed floor changes.</param>
internal sealed record Renewal(string Node, byte[]? Passcode, IReadOnlyList<RenewedMember> Members, bool Resend = false);

/// <summary>A grain's answer: a value, or the code and message of a refusal, which the node throws as a WalkieError.</summary>
internal sealed record GrainReply<T>(T? Value, string? Code = null, string? Message = null)
{
    public static GrainReply<T> Refused(WalkieError error) => new(default, error.Code, error.Message);

    public T Unwrap() => Code is null ? Value! : throw new WalkieError(Code, Message ?? Code);
}
