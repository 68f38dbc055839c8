using Walkie.Server.Hubs;

namespace Walkie.Server.Channels;

/// <summary>How channels reach connections: the outbox in production, a recorder in unit tests.</summary>
internal interface IChannelClients
{
    /// <summary>Starts one send to one connection, charging about <paramref name="bytes"/> to its backlog until written.</summary>
    void Send(string connectionId, int bytes, Func<IChannelClient, Task> send);
}

/// <summary>Rough wire sizes of events, in bytes, for backlog accounting. They only need to be in proportion.</summary>
internal static class OutboxSize
{
    public const int Small = 64;
    public const int Participant = 128;
    private const int PerListedParticipant = 96;

    public static int Of(FloorChangedEvent floor) => Small + PerListedParticipant * (1 + floor.Queue.Count);

    public static int Of(SignalEvent signal) =>
        Participant + (signal.Description?.Sdp?.Length ?? 0)
        + (signal.Candidate is { } c ? (c.Candidate?.Length ?? 0) + (c.SdpMid?.Length ?? 0) + (c.UsernameFragment?.Length ?? 0) : 0);
}
