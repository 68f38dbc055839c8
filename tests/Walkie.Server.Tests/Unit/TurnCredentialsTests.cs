using Walkie.Server.Ice;

namespace Walkie.Server.Tests.Unit;

public class TurnCredentialsTests
{
    [Fact]
    public void MatchesAKnownAnswerVector()
    {
        // echo -n "1700000000:p-0123456789abcdef01" | openssl dgst -sha1 -hmac "walkie-test-secret" -binary | base64
        var (username, credential) = TurnCredentials.Create(
            "walkie-test-secret", "p-0123456789abcdef01", DateTimeOffset.FromUnixTimeSeconds(1700000000));
        Assert.Equal("1700000000:p-0123456789abcdef01", username);
        Assert.Equal("3v3FsWpwo9HhvomPt4N5A9/sg6M=", credential);
    }

    [Fact]
    public void OptionsNeverPrintTheSecret()
    {
        var options = new WalkieOptions
        {
            Turn = new TurnOptions { Enabled = true, Urls = ["turn:t.example:3478"], Secret = "do-not-print-this-secret" },
            IceServers = [new IceServerOptions { Urls = ["turn:static.example"], Username = "u", Credential = "static-credential-secret" }],
        };
        var text = options.ToString();
        Assert.DoesNotContain("do-not-print-this-secret", text);
        Assert.DoesNotContain("static-credential-secret", text);
        Assert.Contains("turn:t.example:3478", text);
    }
}
