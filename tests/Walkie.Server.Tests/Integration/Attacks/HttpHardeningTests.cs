using System.Net;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration.Attacks;

public class HttpHardeningTests : IAsyncLifetime
{
    private RunningServer _server = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() =>
        _server = await RunningServer.StartAsync(new() { ["Walkie:AllowedOrigins:0"] = "https://walkie.example.org" });

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/c/crew")]
    [InlineData("/healthz")]
    public async Task ResponsesCarrySecurityHeadersAndNoServerHeader(string path)
    {
        using var response = await _http.GetAsync(new Uri(_server.Address, path)).WaitAsync(RunningServer.Timeout);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.False(response.Headers.Contains("Server"));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.OK)]
    [InlineData("SELF", HttpStatusCode.OK)]
    [InlineData("https://walkie.example.org", HttpStatusCode.OK)]
    [InlineData("https://evil.example", HttpStatusCode.Forbidden)]
    [InlineData("http://127.0.0.1.evil.example", HttpStatusCode.Forbidden)]
    [InlineData("null", HttpStatusCode.Forbidden)]
    public async Task OnlyTheServersOwnAndAllowedOriginsMayNegotiate(string? origin, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.HubUrl + "/negotiate?negotiateVersion=1"));
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin == "SELF" ? _server.Address.GetLeftPart(UriPartial.Authority) : origin);
        }
        using var response = await _http.SendAsync(request).WaitAsync(RunningServer.Timeout);
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task AWebSocketFromAForeignOriginIsRefused()
    {
        var (evil, status) = await RawHubClient.OpenAsync(_server.HubUrl, origin: "https://evil.example");
        Assert.Null(evil);
        Assert.Equal(403, status);
        var (own, ownStatus) = await RawHubClient.OpenAsync(_server.HubUrl, origin: _server.Address.GetLeftPart(UriPartial.Authority));
        await using var _ = own;
        Assert.Equal(101, ownStatus);
    }
}
