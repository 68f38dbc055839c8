using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Walkie.Server.Tests.Infrastructure;

/// <summary>
/// A program a test starts (redis-server, nginx, a Walkie node), with its output kept for the test to read and to
/// print when something fails. Killed with the test process however the run ends.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Live = new();
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    static ServiceProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Live.Values)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited already.
            }
        }
    };

    private ServiceProcess(Process process) => _process = process;

    public string Name => _process.StartInfo.FileName;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get { lock (_output) { return _output.ToString(); } }
    }

    public static ServiceProcess Start(string file, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        var process = new Process { StartInfo = info };
        var service = new ServiceProcess(process);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.Start();
        Live[process.Id] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>SIGTERM: the polite stop a service manager or a rolling deploy sends.</summary>
    public void Terminate()
    {
        if (!_process.HasExited)
        {
            System.Diagnostics.Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
        }
    }

    /// <summary>SIGKILL: the program gets no chance to say goodbye, as in a crash or a pulled plug.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.WaitForExit(RunningServer.Timeout);
        Live.TryRemove(_process.Id, out _);
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} never printed \"{text}\"{(_process.HasExited ? $" (exited {_process.ExitCode})" : "")}:\n{Tail()}");
            }
            await Task.Delay(50);
        }
    }

    public string Tail(int lines = 40) => string.Join('\n', Output.Split('\n').TakeLast(lines));

    public ValueTask DisposeAsync()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started, or gone already.
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A loopback port for a process about to start, below Linux's ephemeral range (32768 up). A port from that range
    /// could be handed to an outgoing connection, or to a server binding port 0 (every test's Kestrel and silo does),
    /// before the process got to bind it. Never the same one twice in a run.
    /// </summary>
    public static int FreeTcpPort()
    {
        lock (HandedOut)
        {
            while (true)
            {
                var port = Random.Shared.Next(20_000, 32_000);
                if (!HandedOut.Add(port))
                {
                    continue;
                }
                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                    // In use by something outside this run.
                }
            }
        }
    }

    private static readonly HashSet<int> HandedOut = [];

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
