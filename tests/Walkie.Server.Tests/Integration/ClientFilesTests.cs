using System.Net;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration;

/// <summary>How the built client is served: what may be cached for good, and what an installed app needs fresh.</summary>
public class ClientFilesTests : IAsyncLifetime
{
    // The shape of a client build: content-hashed files under /assets, fixed names everywhere else.
    private static readonly string[] Files =
    [
        "index.html", "sw.js", "manifest.webmanifest", "icons/icon-192.png", "icons/icon.svg", "assets/index-Bx7Kq2aZ.js",
        "assets/index-C9fLm3Qe.css",
    ];

    private readonly string _webRoot = Directory.CreateTempSubdirectory("walkie-webroot-").FullName;
    private readonly HttpClient _http = new();
    private RunningServer _server = null!;

    public async Task InitializeAsync()
    {
        foreach (var file in Files)
        {
            var path = Path.Combine(_webRoot, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, file == "index.html" ? "<!doctype html><title>Walkie</title>" : file);
        }
        _server = await RunningServer.StartAsync(webRoot: _webRoot);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_webRoot, recursive: true);
    }

    private Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(new Uri(_server.Address, path)).WaitAsync(RunningServer.Timeout);

    [Theory]
    [InlineData("/assets/index-Bx7Kq2aZ.js")]
    [InlineData("/assets/index-C9fLm3Qe.css")]
    public async Task HashedAssetsAreCachedForGood(string path)
    {
        using var response = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/index.html")]
    [InlineData("/c/crew")]
    [InlineData("/sw.js")]
    [InlineData("/manifest.webmanifest")]
    [InlineData("/icons/icon-192.png")]
    [InlineData("/icons/icon.svg")]
    public async Task FilesWithFixedNamesAreRevalidatedEveryTime(string path)
    {
        using var response = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
    }

    [Theory]
    [InlineData("/manifest.webmanifest", "application/manifest+json")]
    [InlineData("/sw.js", "text/javascript")]
    [InlineData("/icons/icon-192.png", "image/png")]
    [InlineData("/icons/icon.svg", "image/svg+xml")]
    public async Task InstallFilesHaveTheirContentTypes(string path, string type)
    {
        using var response = await GetAsync(path);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TheContentSecurityPolicyLetsTheAppRegisterItsWorkerAndManifest()
    {
        // worker-src and manifest-src fall back to script-src and default-src: 'self' must stay in both.
        using var response = await GetAsync("/sw.js");
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        var directives = csp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Split(' ')[1..]);
        Assert.Contains("'self'", directives["default-src"]);
        Assert.Contains("'self'", directives.GetValueOrDefault("worker-src") ?? directives["script-src"]);
        Assert.Contains("'self'", directives.GetValueOrDefault("manifest-src") ?? directives["default-src"]);
    }
}
