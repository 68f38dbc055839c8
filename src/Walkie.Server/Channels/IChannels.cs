using Walkie.Server.Hubs;

namespace Walkie.Server.Channels;

/// <summary>
/// Where channels live, as the hub sees them: Cluster/ClusterChannels, a grain per channel in the Orleans silo of this
/// process, alone or in a cluster. Every call names the caller by connection; refusals are <see cref="WalkieError"/>s
/// with their codes.
/// </summary>
internal interface IChannels
{
    Task<JoinResult> JoinAsync(string connectionId, string address, JoinRequest request, CancellationToken cancellation);

    ValueTask LeaveAsync(string connectionId);

    /// <summary>The connection is gone without a Leave: its member is away for the resume grace.</summary>
    ValueTask DisconnectedAsync(string connectionId);

    /// <summary>The caller's participant id; not-joined when the connection is in no channel.</summary>
    string ParticipantOf(string connectionId);

    /// <summary>Relays a validated signal to another member of the caller's channel.</summary>
    ValueTask SignalAsync(string connectionId, SignalRequest signal);

    ValueTask<FloorRequestResponse> RequestFloorAsync(string connectionId);

    ValueTask<FloorChangedEvent> ReleaseFloorAsync(string connectionId);

    Task<SfuPublishResult> SfuPublishAsync(string connectionId, SfuPublishRequest request, CancellationToken cancellation);

    Task<SfuListenResult> SfuListenAsync(string connectionId, CancellationToken cancellation);

    Task SfuAnswerAsync(string connectionId, SfuAnswerRequest request, CancellationToken cancellation);
}
