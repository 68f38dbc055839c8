namespace Walkie.Server.Tests.Unit;

/// <summary>The production coturn sample must be safe as shipped: secret auth, no admin surface, no relaying inwards.</summary>
public class CoturnSampleTests
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(RepoRoot(), "deploy", "coturn", "turnserver.conf"))
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .ToArray();

    [Theory]
    [InlineData("use-auth-secret")]
    [InlineData("no-cli")]
    [InlineData("no-multicast-peers")]
    [InlineData("denied-peer-ip=0.0.0.0-0.255.255.255")]
    [InlineData("denied-peer-ip=10.0.0.0-10.255.255.255")]
    [InlineData("denied-peer-ip=127.0.0.0-127.255.255.255")]
    [InlineData("denied-peer-ip=169.254.0.0-169.254.255.255")]
    [InlineData("denied-peer-ip=172.16.0.0-172.31.255.255")]
    [InlineData("denied-peer-ip=192.168.0.0-192.168.255.255")]
    [InlineData("denied-peer-ip=::1")]
    [InlineData("denied-peer-ip=fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
    [InlineData("denied-peer-ip=fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
    [InlineData("tls-listening-port=5349")]
    public void HasTheSafeSetting(string line) => Assert.Contains(line, Lines);

    [Fact]
    public void SetsQuotasAndARealmAndNeverAllowsLoopbackPeers()
    {
        Assert.Contains(Lines, l => l.StartsWith("user-quota=", StringComparison.Ordinal));
        Assert.Contains(Lines, l => l.StartsWith("total-quota=", StringComparison.Ordinal));
        Assert.Contains(Lines, l => l.StartsWith("realm=", StringComparison.Ordinal));
        Assert.Contains(Lines, l => l.StartsWith("static-auth-secret=CHANGE-ME", StringComparison.Ordinal));
        Assert.DoesNotContain(Lines, l => l.StartsWith("allow-loopback-peers", StringComparison.Ordinal));
        Assert.DoesNotContain(Lines, l => l.StartsWith("lt-cred-mech", StringComparison.Ordinal) || l.StartsWith("no-auth", StringComparison.Ordinal));
    }

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
