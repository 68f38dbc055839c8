using System.Text.Json.Serialization;

namespace Walkie.Server.Hubs;

// The wire contract of /hubs/channel. docs/PROTOCOL.md describes every record here; keep the two in step.

/// <param name="Resume">The resumeToken of an earlier Join, to come back as the same participant.</param>
public sealed record JoinRequest(string? Channel, string? Name, string? Passcode, string? Resume = null);

public sealed record SignalRequest(string? To, SessionDescription? Description, IceCandidate? Candidate);

public sealed record EmptyRequest;

public sealed record SessionDescription(string? Type, string? Sdp);

public sealed record IceCandidate(
    string? Candidate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SdpMid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? SdpMLineIndex,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UsernameFragment);

public sealed record ParticipantInfo(string Id, string Name);

public sealed record ChannelLimits(
    int MaxParticipants,
    long TransmitLimitMs,
    bool FloorQueue,
    int MaxSdpBytes,
    int MaxCandidateBytes,
    long KeepAliveIntervalMs,
    long ClientTimeoutMs,
    long ResumeGraceMs);

public sealed record IceServer(
    IReadOnlyList<string> Urls,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Username,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Credential);

public sealed record JoinResult(
    ParticipantInfo Self,
    string Channel,
    bool Private,
    IReadOnlyList<ParticipantInfo> Participants,
    IReadOnlyList<string> Away,
    FloorChangedEvent Floor,
    IReadOnlyList<IceServer> IceServers,
    string IceTransportPolicy,
    ChannelLimits Limits,
    string Negotiation,
    string ResumeToken,
    bool Resumed,
    MediaInfo Media,
    long Seq);

/// <param name="Topology">"mesh": members connect to each other, signaling through Signal. "sfu": each member
/// publishes to and listens from the server's media server, through SfuPublish, SfuListen and SfuAnswer.</param>
public sealed record MediaInfo(string Topology);

public sealed record SfuPublishRequest(SessionDescription? Offer);

public sealed record SfuPublishResult(SessionDescription Answer);

public sealed record SfuListenResult(SessionDescription Offer);

public sealed record SfuAnswerRequest(SessionDescription? Answer);

public sealed record IceServersResult(IReadOnlyList<IceServer> IceServers, string IceTransportPolicy);

public sealed record FloorRequestResponse(
    string Outcome,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Position,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ParticipantInfo? Holder,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? RetryAfterMs,
    FloorChangedEvent Floor);

// Every channel event carries Seq: the channel's count of events, the same for every member a broadcast reaches and
// growing with each event. A client drops an event whose Seq is not above the last it saw (or the snapshot's):
// duplicates and stragglers, which a cluster can deliver after a node or the channel's activation moved.

public sealed record ParticipantJoinedEvent(string Id, string Name, long Seq);

public sealed record ParticipantLeftEvent(string Id, long Seq);

/// <summary>A member whose connection dropped; they keep their place until the resume grace ends.</summary>
public sealed record ParticipantAwayEvent(string Id, long Seq);

/// <summary>The server is shutting down; reconnect from retryAfterMs on, with jitter.</summary>
public sealed record ServerClosingEvent(long RetryAfterMs);

public sealed record SignalEvent(
    string From,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SessionDescription? Description,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IceCandidate? Candidate,
    long Seq);

/// <summary>Times are Unix milliseconds of the server's clock.</summary>
public sealed record FloorChangedEvent(
    ParticipantInfo? Holder,
    IReadOnlyList<ParticipantInfo> Queue,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Since,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ExpiresAt,
    long Seq);

public sealed record FloorGrantedEvent(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ExpiresAt,
    long Seq);

public sealed record FloorRevokedEvent(string Reason, long Seq);

public sealed record MediaChangedEvent(string Topology, long Seq);

/// <summary>What the server calls on clients. Method names are the wire event names.</summary>
public interface IChannelClient
{
    Task ParticipantJoined(ParticipantJoinedEvent participant);
    Task ParticipantLeft(ParticipantLeftEvent participant);
    Task ParticipantAway(ParticipantAwayEvent participant);
    Task ServerClosing(ServerClosingEvent closing);
    Task Signal(SignalEvent signal);
    Task FloorChanged(FloorChangedEvent floor);
    Task FloorGranted(FloorGrantedEvent grant);
    Task FloorRevoked(FloorRevokedEvent revoke);
    Task MediaChanged(MediaChangedEvent media);
    Task MediaInterrupted(MediaChangedEvent media);
}
