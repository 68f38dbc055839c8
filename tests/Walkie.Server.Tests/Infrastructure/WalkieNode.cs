namespace Walkie.Server.Tests.Infrastructure;

/// <summary>
/// One Walkie server as its own process (the built Walkie.Server.dll), as a node of a cluster runs: a test can kill
/// it with SIGKILL, which an in-process server cannot survive.
/// </summary>
internal sealed class WalkieNode : IAsyncDisposable
{
    private readonly ServiceProcess _process;

    private WalkieNode(ServiceProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public Uri HubUrl => new(Address, "/hubs/channel");

    public bool IsAlive => !_process.HasExited;

    public string Output => _process.Output;

    public static WalkieNode Start(IReadOnlyDictionary<string, string?> settings)
    {
        var port = ServiceProcess.FreeTcpPort();
        var project = Path.Combine(Repository.Root, "src", "Walkie.Server");
        var dll = Path.Combine(project, "bin", Repository.Configuration, "net10.0", "Walkie.Server.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"build the server first: {dll} is missing");
        }
        string[] arguments =
        [
            dll, "--urls", $"http://127.0.0.1:{port}", "--environment", "Testing",
            .. settings.Where(s => s.Value is not null).Select(s => $"--{s.Key}={s.Value}"),
        ];
        // The project folder is the content root, as under `dotnet run`: the built client is served from its wwwroot.
        return new WalkieNode(ServiceProcess.Start("dotnet", arguments, project), port);
    }

    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"node on {Port} exited:\n{_process.Tail()}");
            }
            try
            {
                if ((await http.GetAsync(new Uri(Address, "/healthz"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting.
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"node on {Port} never answered /healthz:\n{_process.Tail()}");
            }
            await Task.Delay(100);
        }
    }

    public void Kill() => _process.Kill();

    public void Terminate() => _process.Terminate();

    public string Tail() => _process.Tail();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}

internal static class Repository
{
    /// <summary>The checkout this test run was built from: the folder holding Walkie.slnx.</summary>
    public static string Root { get; } = Find();

    public static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Walkie.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("no Walkie.slnx above the test binaries");
    }
}
