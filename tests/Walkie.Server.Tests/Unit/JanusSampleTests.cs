namespace Walkie.Server.Tests.Unit;

/// <summary>The production Janus sample must be safe as shipped: API on loopback with a secret, no admin API, keys needed.</summary>
public class JanusSampleTests
{
    [Theory]
    [InlineData("janus.jcfg", "api_secret = \"CHANGE-ME")]
    [InlineData("janus.jcfg", "ignore_mdns = true")]
    [InlineData("janus.jcfg", "full_trickle = false")]
    [InlineData("janus.jcfg", "rtp_port_range = \"20000-40000\"")]
    [InlineData("janus.transport.websockets.jcfg", "ws_ip = \"127.0.0.1\"")]
    [InlineData("janus.transport.websockets.jcfg", "ws_acl = \"127.\"")]
    [InlineData("janus.transport.websockets.jcfg", "wss = false")]
    [InlineData("janus.transport.websockets.jcfg", "admin_ws = false")]
    [InlineData("janus.transport.websockets.jcfg", "admin_wss = false")]
    [InlineData("janus.plugin.videoroom.jcfg", "admin_key = \"CHANGE-ME")]
    [InlineData("janus.plugin.videoroom.jcfg", "lock_rtp_forward = true")]
    [InlineData("janus.plugin.streaming.jcfg", "admin_key = \"CHANGE-ME")]
    public void HasTheSafeSetting(string file, string setting) =>
        Assert.Contains(Settings(file), line => line.StartsWith(setting, StringComparison.Ordinal));

    [Fact]
    public void DisablesTheHttpTransportAndSetsNoAdminSecret()
    {
        var transports = Assert.Single(Settings("janus.jcfg"), l => l.StartsWith("disable = \"libjanus_http.so", StringComparison.Ordinal));
        Assert.Contains("libjanus_http.so", transports);
        Assert.DoesNotContain(Settings("janus.jcfg"), l => l.StartsWith("admin_secret", StringComparison.Ordinal));
        Assert.DoesNotContain(Settings("janus.jcfg"), l => l.StartsWith("nat_1_1_mapping", StringComparison.Ordinal));
    }

    [Fact]
    public void DisablesEveryPluginButVideoRoomAndStreaming()
    {
        var plugins = Assert.Single(Settings("janus.jcfg"), l => l.StartsWith("disable = \"libjanus_audiobridge.so", StringComparison.Ordinal));
        Assert.DoesNotContain("videoroom", plugins);
        Assert.DoesNotContain("streaming", plugins);
        foreach (var plugin in new[] { "audiobridge", "duktape", "echotest", "lua", "nosip", "recordplay", "sip", "textroom", "videocall", "voicemail" })
        {
            Assert.Contains($"libjanus_{plugin}.so", plugins);
        }
    }

    internal static string SampleDirectory => Path.Combine(RepoRoot(), "deploy", "janus");

    private static string[] Settings(string file) => File.ReadAllLines(Path.Combine(SampleDirectory, file))
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .ToArray();

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Walkie.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
