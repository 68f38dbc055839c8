using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Walkie.Server.Lan;
using Walkie.Server.Media;

namespace Walkie.Server.Tests.Infrastructure;

/// <summary>
/// A real Janus (the Debian package) with a throwaway configuration: the WebSocket API alone, on a free loopback port,
/// and the VideoRoom and Streaming plugins alone, each with an admin key. Kill, FreezeAsync and RestartAsync make it fail.
/// </summary>
internal sealed class JanusServer : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-7c1f9e2a40d6";
    public const string ApiSecret = "test-api-secret-3b8d5e60a9c4";

    // Every plugin and transport of Janus 1.1 but the ones Walkie uses: each one skipped is start-up time saved.
    private const string DisabledPlugins = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_echotest.so,libjanus_lua.so,"
        + "libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_textroom.so,libjanus_videocall.so,libjanus_voicemail.so";
    private const string DisabledTransports = "libjanus_http.so,libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so";

    // A test run that ends abruptly must not leave Janus processes behind.
    private static readonly ConcurrentDictionary<int, Process> Live = new();

    private readonly string _directory;
    private Process? _process;

    static JanusServer() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Live.Values)
        {
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
                // Exited already.
            }
        }
    };

    private JanusServer(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public Uri Url => new($"ws://127.0.0.1:{Port}");

    /// <summary>The address Janus gathers ICE candidates on: this machine's first non-loopback IPv4 address.</summary>
    public static IPAddress? IceAddress { get; } =
        LanAddresses.Discover().FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);

    private string LogPath => Path.Combine(_directory, "janus.log");

    /// <summary>Walkie's settings for this Janus.</summary>
    public SfuOptions Options(TimeSpan? keepAlive = null, TimeSpan? requestTimeout = null) => new()
    {
        JanusUrl = Url.ToString(),
        AdminKey = AdminKey,
        ApiSecret = ApiSecret,
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(5),
        KeepAliveInterval = keepAlive ?? TimeSpan.FromSeconds(25),
    };

    /// <param name="sessionTimeout">Janus's session_timeout in seconds: a session silent this long is dropped.</param>
    public static async Task<JanusServer> StartAsync(int sessionTimeout = 60)
    {
        var directory = Directory.CreateTempSubdirectory("walkie-janus-").FullName;
        var server = new JanusServer(directory, FreeTcpPort());
        server.WriteConfiguration(sessionTimeout);
        try
        {
            await server.LaunchAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>
    /// Janus with a copy of a sample configuration (deploy/janus), on a free port and with this class's keys in place
    /// of its CHANGE-ME placeholders.
    /// </summary>
    public static async Task<JanusServer> StartFromSampleAsync(string sampleDirectory)
    {
        var directory = Directory.CreateTempSubdirectory("walkie-janus-").FullName;
        var server = new JanusServer(directory, FreeTcpPort());
        foreach (var file in Directory.GetFiles(sampleDirectory, "*.jcfg"))
        {
            var text = File.ReadAllText(file);
            text = Regex.Replace(text, @"(?m)^(\s*api_secret\s*=\s*)""CHANGE-ME[^""]*""", $"$1\"{ApiSecret}\"");
            text = Regex.Replace(text, @"(?m)^(\s*admin_key\s*=\s*)""CHANGE-ME[^""]*""", $"$1\"{AdminKey}\"");
            text = Regex.Replace(text, @"(?m)^(\s*ws_port\s*=\s*)\d+", "${1}" + server.Port);
            File.WriteAllText(Path.Combine(directory, Path.GetFileName(file)), text);
        }
        try
        {
            await server.LaunchAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Kills Janus at once (SIGKILL), as a crash would; its WebSocket connections drop.</summary>
    public void Kill()
    {
        if (_process is not { } process)
        {
            return;
        }
        _process = null;
        Live.TryRemove(process.Id, out _);
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Exited already.
        }
        if (!process.WaitForExit(RunningServer.Timeout))
        {
            throw new TimeoutException($"janus {process.Id} did not die");
        }
        process.Dispose();
    }

    /// <summary>Stops Janus without closing anything (SIGSTOP): connections stay open and nothing answers.</summary>
    public Task FreezeAsync() => SignalAsync(19, stopped: true);

    /// <summary>Lets a frozen Janus run again (SIGCONT).</summary>
    public Task ThawAsync() => SignalAsync(18, stopped: false);

    /// <summary>Kills Janus if it runs, and starts a fresh one on the same port, with nothing of the old one's state.</summary>
    public async Task RestartAsync()
    {
        Kill();
        await LaunchAsync();
    }

    /// <summary>The end of Janus's log, for failure messages.</summary>
    public string LogTail(int lines = 30) =>
        File.Exists(LogPath) ? string.Join('\n', File.ReadLines(LogPath).TakeLast(lines)) : "(no log)";

    public ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless.
        }
        return ValueTask.CompletedTask;
    }

    private async Task LaunchAsync()
    {
        // -N: no logging to stdout, -L: to a file instead, -o: without colours.
        var start = new ProcessStartInfo("janus")
        {
            ArgumentList = { "-F", _directory, "-o", "-N", "-L", LogPath },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("janus did not start");
        // Its version banner still goes to stdout; drained so that it never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Live[process.Id] = process;

        var deadline = Stopwatch.StartNew();
        while (!await AnswersPingAsync())
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"janus exited with {process.ExitCode}:\n{LogTail()}");
            }
            if (deadline.Elapsed > RunningServer.Timeout)
            {
                throw new TimeoutException($"janus did not answer on port {Port} within {RunningServer.Timeout}:\n{LogTail()}");
            }
            await Task.Delay(50);
        }
    }

    // A Janus API ping needs no session and no secret: proof that Janus itself, not just something, listens.
    private async Task<bool> AnswersPingAsync()
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("janus-protocol");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await socket.ConnectAsync(Url, timeout.Token);
            await socket.SendAsync("""{"janus":"ping","transaction":"ready"}"""u8.ToArray(), WebSocketMessageType.Text, true, timeout.Token);
            var buffer = new byte[4096];
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            return Encoding.UTF8.GetString(buffer, 0, result.Count).Contains("\"pong\"", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or HttpRequestException)
        {
            return false;
        }
    }

    private void WriteConfiguration(int sessionTimeout)
    {
        var ice = IceAddress is { } address ? $"ice_enforce_list = \"{address}\"" : "";
        File.WriteAllText(Path.Combine(_directory, "janus.jcfg"), $$"""
            general: {
                session_timeout = {{sessionTimeout}}
                event_loops = 2
                api_secret = "{{ApiSecret}}"
                hide_dependencies = true
            }
            nat: {
                {{ice}}
                ignore_mdns = true
                full_trickle = false
            }
            plugins: {
                disable = "{{DisabledPlugins}}"
            }
            transports: {
                disable = "{{DisabledTransports}}"
            }
            loggers: {
                disable = "libjanus_jsonlog.so"
            }
            events: {
                broadcast = false
            }
            """);
        File.WriteAllText(Path.Combine(_directory, "janus.transport.websockets.jcfg"), $$"""
            general: {
                json = "compact"
                ws = true
                ws_port = {{Port}}
                ws_ip = "127.0.0.1"
                ws_acl = "127."
                wss = false
            }
            admin: {
                admin_ws = false
                admin_wss = false
            }
            """);
        File.WriteAllText(Path.Combine(_directory, "janus.plugin.videoroom.jcfg"), $$"""
            general: {
                admin_key = "{{AdminKey}}"
                lock_rtp_forward = true
            }
            """);
        File.WriteAllText(Path.Combine(_directory, "janus.plugin.streaming.jcfg"), $$"""
            general: {
                admin_key = "{{AdminKey}}"
            }
            """);
    }

    // The kernel stops or resumes a process's threads after kill() returns; a thread busy on another core could still
    // answer a request sent at once. Done only when /proc shows every thread in the state asked for.
    private async Task SignalAsync(int signal, bool stopped)
    {
        if (_process is not { } process)
        {
            return;
        }
        if (kill(process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"signal {signal} to janus {process.Id} failed: {Marshal.GetLastPInvokeError()}");
        }
        await Eventually.Holds(() => Task.FromResult(ThreadStates(process.Id).All(state => (state == 'T') == stopped)), $"janus to be {(stopped ? "stopped" : "running")}");
    }

    private static List<char> ThreadStates(int pid) =>
        Directory.GetDirectories($"/proc/{pid}/task")
            .Select(task => File.ReadAllText(Path.Combine(task, "stat")))
            // The state follows the parenthesised command name, which may itself contain spaces.
            .Select(stat => stat[(stat.LastIndexOf(')') + 2)..][0])
            .ToList();

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code enabled for the whole test project.
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
