using System.Text;

namespace Walkie.Server.Media;

/// <summary>The "Walkie:Sfu" section: the Janus server that carries channels too large for a mesh.</summary>
public sealed record SfuOptions
{
    /// <summary>Janus's WebSocket API, e.g. ws://127.0.0.1:8188. Empty means no SFU: every channel is a mesh.</summary>
    public string JanusUrl { get; init; } = "";

    /// <summary>
    /// The admin_key of Janus's VideoRoom and Streaming plugins (at least 16 characters). Janus then refuses to create
    /// rooms and mountpoints, or to forward a talker's audio, for anyone without it.
    /// </summary>
    public string AdminKey { get; init; } = "";

    /// <summary>Janus's api_secret, when it is set: Janus then refuses every request without it. Empty sends none.</summary>
    public string ApiSecret { get; init; } = "";

    /// <summary>How long Walkie waits for Janus to answer one request.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often Walkie tells Janus that its sessions are still in use. Janus drops a session that stays silent for its
    /// session_timeout (60 s by default), so this must stay well inside that.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>
    /// Channels with more members than this go through Janus; 0 means every channel does. A channel starts as a mesh
    /// and switches to Janus when a join would take it past this size, at most the mesh cap (MaxParticipantsPerChannel).
    /// It stays on Janus until it empties: switching back would cut everyone's audio a second time for no gain.
    /// </summary>
    public int MeshLimit { get; init; }

    /// <summary>The most members of one channel carried by Janus. Janus's VideoRoom is sized for all of them to publish.</summary>
    public int MaxMembers { get; init; } = 500;

    internal bool Enabled => JanusUrl.Length > 0;

    // Records print every property; the keys must not reach a log line through an accidental ToString().
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"JanusUrl = {JanusUrl}, AdminKey = ***, ApiSecret = ***, RequestTimeout = {RequestTimeout}, KeepAliveInterval = {KeepAliveInterval}, MeshLimit = {MeshLimit}, MaxMembers = {MaxMembers}");
        return true;
    }

    internal bool IsValid() =>
        RequestTimeout >= TimeSpan.FromMilliseconds(100) && RequestTimeout <= TimeSpan.FromMinutes(1)
        && KeepAliveInterval >= TimeSpan.FromSeconds(1) && KeepAliveInterval < TimeSpan.FromMinutes(1)
        && (!Enabled
            || (Uri.TryCreate(JanusUrl, UriKind.Absolute, out var uri) && uri.Scheme is "ws" or "wss"
                && AdminKey.Length >= 16
                && MeshLimit >= 0
                && MaxMembers is >= 2 and <= 10_000
                && (ApiSecret.Length == 0 || ApiSecret.Length >= 16)));
}
