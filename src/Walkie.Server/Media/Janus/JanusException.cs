namespace Walkie.Server.Media.Janus;

/// <summary>Anything that went wrong talking to Janus.</summary>
internal abstract class JanusException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Janus refused a request: its core (a "janus": "error" reply) or a plugin (an error_code in the plugin's data).
/// Codes are Janus's own; see <see cref="JanusErrorCodes"/>.
/// </summary>
internal sealed class JanusErrorException(string request, int code, string reason, string? plugin)
    : JanusException($"Janus {(plugin is null ? "" : plugin + " ")}refused {request}: {code} {reason}")
{
    /// <summary>What was refused: a core request ("attach", "message watch"), or a plugin's own ("watch").</summary>
    public string Request { get; } = request;

    public int Code { get; } = code;

    public string Reason { get; } = reason;

    /// <summary>The plugin that refused, e.g. janus.plugin.videoroom; null when the core did.</summary>
    public string? Plugin { get; } = plugin;
}

/// <summary>Janus cannot be reached: connecting failed, or the connection dropped (Janus died or restarted).</summary>
internal sealed class JanusUnavailableException(string message, Exception? inner = null) : JanusException(message, inner);

/// <summary>Janus did not answer a request in time.</summary>
internal sealed class JanusTimeoutException(string request, TimeSpan timeout)
    : JanusException($"Janus did not answer {request} within {timeout.TotalSeconds:0.###} s");

/// <summary>Janus answered, but not as this client expects (e.g. an rtp_forward that forwarded nothing).</summary>
internal sealed class JanusProtocolException(string message) : JanusException(message);

/// <summary>The error codes of Janus 1.1 that Walkie tells apart.</summary>
internal static class JanusErrorCodes
{
    // Core (apierror.h)
    public const int Unauthorized = 403;
    public const int SessionNotFound = 458;
    public const int HandleNotFound = 459;
    public const int PluginNotFound = 460;

    // VideoRoom (janus_videoroom.c)
    public const int VideoRoomNoSuchRoom = 426;
    public const int VideoRoomRoomExists = 427;
    public const int VideoRoomNoSuchFeed = 428;
    public const int VideoRoomMissingElement = 429;
    public const int VideoRoomPublishersFull = 432;
    public const int VideoRoomUnauthorized = 433;

    // Streaming (janus_streaming.c)
    public const int StreamingMissingElement = 453;
    public const int StreamingNoSuchMountpoint = 455;
    public const int StreamingCantCreate = 456;
    public const int StreamingUnauthorized = 457;
}
