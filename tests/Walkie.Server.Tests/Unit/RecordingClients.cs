using System.Collections.Concurrent;
using Walkie.Server.Channels;
using Walkie.Server.Hubs;

namespace Walkie.Server.Tests.Unit;

/// <summary>Records what a channel sends to which connection, in order.</summary>
internal sealed class RecordingClients : IChannelClients
{
    public ConcurrentQueue<(string Connection, string Event, object Body)> Sent { get; } = new();

    public void Send(string connectionId, int bytes, Func<IChannelClient, Task> send) => send(new Recorder(this, connectionId));

    public List<T> To<T>(string connection) =>
        [.. Sent.Where(s => s.Connection == connection && s.Body is T).Select(s => (T)s.Body)];

    private sealed class Recorder(RecordingClients owner, string to) : IChannelClient
    {
        public Task ParticipantJoined(ParticipantJoinedEvent participant) => Record(nameof(ParticipantJoined), participant);
        public Task ParticipantLeft(ParticipantLeftEvent participant) => Record(nameof(ParticipantLeft), participant);
        public Task ParticipantAway(ParticipantAwayEvent participant) => Record(nameof(ParticipantAway), participant);
        public Task ServerClosing(ServerClosingEvent closing) => Record(nameof(ServerClosing), closing);
        public Task Signal(SignalEvent signal) => Record(nameof(Signal), signal);
        public Task FloorChanged(FloorChangedEvent floor) => Record(nameof(FloorChanged), floor);
        public Task FloorGranted(FloorGrantedEvent grant) => Record(nameof(FloorGranted), grant);
        public Task FloorRevoked(FloorRevokedEvent revoke) => Record(nameof(FloorRevoked), revoke);
        public Task MediaChanged(MediaChangedEvent media) => Record(nameof(MediaChanged), media);
        public Task MediaInterrupted(MediaChangedEvent media) => Record(nameof(MediaInterrupted), media);

        private Task Record(string name, object body)
        {
            owner.Sent.Enqueue((to, name, body));
            return Task.CompletedTask;
        }
    }
}
