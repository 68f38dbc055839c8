using System.Security.Cryptography;
using System.Threading.Channels;
using Walkie.Server.Channels;
using Walkie.Server.Hubs;
using Walkie.Server.Media.Janus;

namespace Walkie.Server.Media;

/// <summary>
/// One channel carried by Janus: a VideoRoom where every member publishes, and a Streaming mountpoint that every member
/// watches. Only the floor holder's publisher is forwarded into the mountpoint, so the server decides who is heard:
/// a client that sends without the floor reaches Janus and no one else.
/// All Janus work of the room itself (create, forward, destroy) runs on one loop, in order and off the channel's lock;
/// the channel only records who holds the floor and wakes the loop, which forwards whoever holds it by then.
/// </summary>
internal sealed partial class SfuRoom : IChannelMedia
{
    public const string Name = "sfu";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);

    // One pending wake-up is enough: the loop always reconciles with the latest state.
    private readonly Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _ready = NewReady();
    private readonly JanusConnection _janus;
    private readonly ILogger _log;
    private readonly Action<SfuRoom> _finished;
    private string? _holder;
    private bool _closed;
    private bool _lost;
    private JanusSession? _session;
    private VideoRoomHandle? _rooms;
    private StreamingHandle? _streams;
    private int _port;
    private Forwarder? _forwarding;

    public SfuRoom(string channel, JanusConnection janus, ILogger log, Action<SfuRoom> finished)
    {
        Channel = channel;
        _janus = janus;
        _log = log;
        _finished = finished;
        Finished = Task.Run(RunAsync);
    }

    /// <summary>First wait before trying Janus again after it was lost; each failed try doubles it, up to the last.</summary>
    internal static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);

    internal static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(4);

    public event Action? Interrupted;

    public event Action? Renewed;

    public string Channel { get; }

    public ulong RoomId { get; } = NewId();

    public ulong MountpointId { get; } = NewId();

    /// <summary>Guards the room and the mountpoint: destroying them and forwarding into them.</summary>
    public string Secret { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string Topology => Name;

    public int MaxMembers => _janus.Options.MaxMembers;

    /// <summary>Completes when the room is torn down and its Janus session is gone.</summary>
    public Task Finished { get; }

    /// <summary>Whose publisher is forwarded into the mountpoint now; null when nobody's is.</summary>
    public string? Forwarding
    {
        get { lock (_lock) { return _forwarding?.Member; } }
    }

    /// <summary>Completes once the room and mountpoint exist; fails with sfu-unavailable when Janus could not make them.</summary>
    public async Task ReadyAsync(CancellationToken cancellation)
    {
        try
        {
            Task ready;
            lock (_lock)
            {
                ready = _ready.Task;
            }
            await ready.WaitAsync(_janus.Options.RequestTimeout * 4, cancellation);
        }
        catch (Exception e) when (e is JanusException or TimeoutException or ObjectDisposedException)
        {
            throw Unavailable();
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The caller stopped waiting (its connection closed, or its time ran out): it is no fault of Walkie's.
            throw Unavailable();
        }
    }

    public void FloorHolder(string? participantId)
    {
        lock (_lock)
        {
            _holder = participantId;
        }
        _wake.Writer.TryWrite(true);
    }

    public void MemberJoined(string participantId)
    {
        lock (_lock)
        {
            _members.TryAdd(participantId, new Member());
        }
    }

    public void MemberLeft(string participantId)
    {
        Member? gone;
        lock (_lock)
        {
            _members.Remove(participantId, out gone);
        }
        if (gone is not null)
        {
            _ = HangUpAsync(gone.Publisher?.Handle, gone.Listener?.Handle);
            _wake.Writer.TryWrite(true);
        }
    }

    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
        }
        _stopping.Cancel();
        _wake.Writer.TryComplete();
    }

    /// <summary>Joins the member's own publisher to the room with their offer; returns Janus's answer.</summary>
    public async Task<string> PublishAsync(string participantId, string offer, CancellationToken cancellation)
    {
        var mid = SdpText.FirstMid(offer, "audio") ?? throw WalkieError.BadRequest("the offer has no audio m-line with a mid");
        await ReadyAsync(cancellation);
        VideoRoomHandle? publisher = null;
        try
        {
            publisher = await VideoRoomHandle.AttachAsync(_session ?? throw Unavailable(), cancellation);
            var id = await publisher.JoinAsPublisherAsync(RoomId, cancellation: cancellation);
            var answer = await publisher.PublishAsync(Jsep.Offer(offer), cancellation);
            VideoRoomHandle? replaced;
            lock (_lock)
            {
                var member = MemberLocked(participantId);
                replaced = member.Publisher;
                member.Publisher = publisher;
                member.PublisherId = id;
                member.Mid = mid;
            }
            publisher = null;
            _wake.Writer.TryWrite(true);
            _ = HangUpAsync(replaced?.Handle, null);
            return answer.Sdp;
        }
        catch (JanusException e)
        {
            LogJanusFailed(Channel, "publish", e.Message);
            throw Unavailable();
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw Unavailable();
        }
        finally
        {
            if (publisher is not null)
            {
                _ = HangUpAsync(publisher.Handle, null);
            }
        }
    }

    /// <summary>Starts watching the mountpoint on the member's own handle; returns Janus's offer.</summary>
    public async Task<string> ListenAsync(string participantId, CancellationToken cancellation)
    {
        await ReadyAsync(cancellation);
        StreamingHandle? listener = null;
        try
        {
            listener = await StreamingHandle.AttachAsync(_session ?? throw Unavailable(), cancellation);
            var offer = await listener.WatchAsync(MountpointId, cancellation);
            StreamingHandle? replaced;
            lock (_lock)
            {
                var member = MemberLocked(participantId);
                replaced = member.Listener;
                member.Listener = listener;
            }
            listener = null;
            _ = HangUpAsync(null, replaced?.Handle);
            return offer.Sdp;
        }
        catch (JanusException e)
        {
            LogJanusFailed(Channel, "watch", e.Message);
            throw Unavailable();
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw Unavailable();
        }
        finally
        {
            if (listener is not null)
            {
                _ = HangUpAsync(null, listener.Handle);
            }
        }
    }

    /// <summary>Completes the member's watch with their answer; audio flows once their connection is up.</summary>
    public async Task AnswerAsync(string participantId, string answer, CancellationToken cancellation)
    {
        StreamingHandle listener;
        lock (_lock)
        {
            listener = _members.GetValueOrDefault(participantId)?.Listener
                ?? throw WalkieError.BadRequest("call SfuListen before SfuAnswer");
        }
        try
        {
            await listener.StartAsync(Jsep.Answer(answer), cancellation);
        }
        catch (JanusException e)
        {
            LogJanusFailed(Channel, "start", e.Message);
            throw Unavailable();
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw Unavailable();
        }
    }

    /// <summary>A member who left while their publish or watch was on its way gets nothing stored: their handle is let go.</summary>
    private Member MemberLocked(string participantId) =>
        !_closed && _members.TryGetValue(participantId, out var member)
            ? member
            : throw new WalkieError(ErrorCodes.NotJoined, "you are not in this channel any more");

    private async Task RunAsync()
    {
        try
        {
            await CreateAsync();
            _ready.TrySetResult();
        }
        catch (Exception e) when (e is JanusException or OperationCanceledException)
        {
            LogJanusFailed(Channel, "create", e.Message);
            _ready.TrySetException(e);
        }
        // Without a room there is nothing to forward, but the wake-ups are read all the same: the reader completes
        // only once the channel closed and nothing is left unread.
        await foreach (var _ in _wake.Reader.ReadAllAsync())
        {
            if (TakeLost())
            {
                await RebuildAsync();
            }
            if (IsReady)
            {
                await ForwardHolderAsync();
            }
        }
        await DestroyAsync();
        _finished(this);
    }

    private bool IsReady
    {
        get { lock (_lock) { return _ready.Task.IsCompletedSuccessfully; } }
    }

    private bool TakeLost()
    {
        lock (_lock)
        {
            var lost = _lost && !_closed;
            _lost = false;
            return lost;
        }
    }

    /// <summary>
    /// Janus went away, and with it the room, the mountpoint and every member's handle. The floor stays as it is:
    /// once Janus answers again the room and mountpoint are made again under the same ids, members are told to
    /// connect again, and the holder is forwarded as soon as they have published.
    /// </summary>
    private async Task RebuildAsync()
    {
        lock (_lock)
        {
            foreach (var member in _members.Values)
            {
                member.Publisher = null;
                member.Listener = null;
                member.Mid = null;
            }
            _forwarding = null;
            // Lost may have come while the room was still being made, before it was marked ready.
            NotReadyLocked();
        }
        LogLost(Channel);
        var delay = FirstRetry;
        while (true)
        {
            await DropSessionAsync();
            try
            {
                await CreateAsync(_stopping.Token);
                break;
            }
            catch (Exception e) when (e is JanusException or OperationCanceledException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }
                LogRetry(Channel, delay, e.Message);
            }
            try
            {
                await Task.Delay(delay, _janus.Time, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = delay * 2 < LastRetry ? delay * 2 : LastRetry;
        }
        lock (_lock)
        {
            _ready.TrySetResult();
        }
        Renewed?.Invoke();
    }

    private async Task DropSessionAsync()
    {
        if (_session is { } session)
        {
            _session = null;
            await session.DisposeAsync();
        }
    }

    private async Task CreateAsync(CancellationToken cancellation = default)
    {
        var client = await _janus.GetAsync(cancellation);
        _session = await client.CreateSessionAsync();
        _rooms = await VideoRoomHandle.AttachAsync(_session);
        _streams = await StreamingHandle.AttachAsync(_session);
        await _rooms.CreateRoomAsync(RoomId, Secret, publishers: _janus.Options.MaxMembers);
        _port = await _streams.CreateMountpointAsync(MountpointId, Secret);
        LogCreated(Channel, RoomId, MountpointId);
        _ = WatchAsync(client);
    }

    /// <summary>
    /// Forwards the floor holder, and nobody else. The old forwarder stops before the new one starts: each has its own
    /// SSRC, and two at once would interleave two talkers' packets on the mountpoint.
    /// </summary>
    private async Task ForwardHolderAsync()
    {
        Forwarder? wanted = null;
        Forwarder? current;
        lock (_lock)
        {
            if (_holder is { } holder && _members.GetValueOrDefault(holder) is { Publisher: not null, Mid: { } mid } member)
            {
                wanted = new Forwarder(holder, member.PublisherId, mid, 0);
            }
            current = _forwarding;
        }
        if (current is not null && current.Member == wanted?.Member && current.PublisherId == wanted.PublisherId)
        {
            return;
        }
        if (current is not null)
        {
            lock (_lock)
            {
                _forwarding = null;
            }
            try
            {
                await _rooms!.StopForwardAsync(RoomId, Secret, current.PublisherId, current.Stream);
            }
            catch (JanusException e)
            {
                // A publisher that left took its forwarders with it.
                LogForwardFailed(Channel, "stop", e.Message);
            }
        }
        if (wanted is not null)
        {
            try
            {
                var stream = await _rooms!.ForwardAudioAsync(
                    RoomId, Secret, wanted.PublisherId, wanted.Mid, StreamingHandle.ListenAddress, _port, StreamingHandle.OpusPayloadType);
                lock (_lock)
                {
                    _forwarding = wanted with { Stream = stream };
                }
            }
            catch (JanusException e)
            {
                LogForwardFailed(Channel, "start", e.Message);
            }
        }
    }

    /// <summary>Stops watching once the room closes, so a long-lived connection does not keep every old room alive.</summary>
    private async Task WatchAsync(JanusClient client)
    {
        try
        {
            await client.Closed.WaitAsync(_stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        Lost();
    }

    private void Lost()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }
            _lost = true;
            // Nobody may be let in on the old room from here on: a joiner told "ready" now would get no media and
            // no MediaChanged, since the members told of the loss are only those already in.
            NotReadyLocked();
        }
        // Told here rather than from the loop, which may still be waiting on a request to the dead Janus; a room
        // watches only a Janus it was made on, so this comes once per loss and always before the Renewed that ends it.
        Interrupted?.Invoke();
        _wake.Writer.TryWrite(true);
    }

    private async Task DestroyAsync()
    {
        if (_session is null)
        {
            return;
        }
        try
        {
            if (_rooms is not null && IsReady)
            {
                await _rooms.DestroyRoomAsync(RoomId, Secret);
                await _streams!.DestroyMountpointAsync(MountpointId, Secret);
            }
        }
        catch (JanusException e)
        {
            LogJanusFailed(Channel, "destroy", e.Message);
        }
        // Destroying the session detaches every member's handle: listeners of a destroyed mountpoint stay connected otherwise.
        await _session.DisposeAsync();
        LogDestroyed(Channel, RoomId);
    }

    private async Task HangUpAsync(JanusHandle? publisher, JanusHandle? listener)
    {
        foreach (var handle in new[] { publisher, listener })
        {
            if (handle is null)
            {
                continue;
            }
            try
            {
                await handle.DetachAsync();
            }
            catch (JanusException e)
            {
                LogJanusFailed(Channel, "detach", e.Message);
            }
        }
    }

    private void NotReadyLocked()
    {
        if (_ready.Task.IsCompleted)
        {
            _ready = NewReady();
        }
    }

    private static TaskCompletionSource NewReady()
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Observed by whoever waits on it; a room whose Janus never came up must not fault unobserved.
        ready.Task.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        return ready;
    }

    private static WalkieError Unavailable() =>
        new(ErrorCodes.SfuUnavailable, "the media server for large channels cannot be reached; try again later");

    /// <summary>Janus ids are JSON numbers, exact up to 2^53. They need not be secret: the room secret guards the room.</summary>
    private static ulong NewId() => (ulong)Random.Shared.NextInt64(1, 1L << 53);

    private sealed class Member
    {
        public VideoRoomHandle? Publisher { get; set; }
        public ulong PublisherId { get; set; }
        public string? Mid { get; set; }
        public StreamingHandle? Listener { get; set; }
    }

    private sealed record Forwarder(string Member, ulong PublisherId, string Mid, uint Stream);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Janus room {Room} and mountpoint {Mountpoint} carry {Channel}")]
    private partial void LogCreated(string channel, ulong room, ulong mountpoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Janus room {Room} of {Channel} is gone")]
    private partial void LogDestroyed(string channel, ulong room);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Janus {Request} for {Channel} failed: {Reason}")]
    private partial void LogJanusFailed(string channel, string request, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Janus went away: {Channel} waits for it to make its room again")]
    private partial void LogLost(string channel);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Janus cannot make the room of {Channel} yet; trying again in {Delay}: {Reason}")]
    private partial void LogRetry(string channel, TimeSpan delay, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding in {Channel}: {Step} failed: {Reason}")]
    private partial void LogForwardFailed(string channel, string step, string reason);
}
