using System.Net;
using Walkie.Server.Lan;

namespace Walkie.Server.Tests.Unit;

public sealed class LanCertificateTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private readonly string dir = Directory.CreateTempSubdirectory("walkie-lan-").FullName;
    private string Pfx => Path.Combine(dir, "Walkie", "lan-certificate.pfx");

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void NamesEveryAddressAndNameAndKeepsItsKeyPrivate()
    {
        IPAddress[] addresses = [IPAddress.Parse("192.168.1.20"), IPAddress.Parse("fd00::20")];
        using var certificate = LanCertificate.LoadOrCreate(Pfx, addresses, ["walkie-host", "walkie-host.local", "localhost"], Now);

        Assert.True(LanCertificate.Covers(certificate, addresses, ["walkie-host", "walkie-host.local", "localhost"]));
        Assert.True(certificate.HasPrivateKey);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Pfx));
        }
    }

    [Fact]
    public void ReusesTheKeptCertificateWhileItStillNamesThisMachine()
    {
        IPAddress[] addresses = [IPAddress.Parse("192.168.1.20")];
        using var first = LanCertificate.LoadOrCreate(Pfx, addresses, ["h"], Now);
        using var again = LanCertificate.LoadOrCreate(Pfx, addresses, ["h"], Now.AddDays(300));

        Assert.Equal(first.Thumbprint, again.Thumbprint);
    }

    [Fact]
    public void MakesANewOneOnAnotherNetworkOrNearItsExpiry()
    {
        using var first = LanCertificate.LoadOrCreate(Pfx, [IPAddress.Parse("192.168.1.20")], ["h"], Now);
        using var moved = LanCertificate.LoadOrCreate(Pfx, [IPAddress.Parse("10.0.0.7")], ["h"], Now);
        using var late = LanCertificate.LoadOrCreate(Pfx, [IPAddress.Parse("10.0.0.7")], ["h"], Now.AddDays(380));

        Assert.NotEqual(first.Thumbprint, moved.Thumbprint);
        Assert.True(LanCertificate.Covers(moved, [IPAddress.Parse("10.0.0.7")], ["h"]));
        Assert.NotEqual(moved.Thumbprint, late.Thumbprint);
    }

    [Fact]
    public void ReplacesADamagedFile()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Pfx)!);
        File.WriteAllText(Pfx, "not a certificate");

        using var certificate = LanCertificate.LoadOrCreate(Pfx, [IPAddress.Parse("192.168.1.20")], ["h"], Now);

        Assert.True(certificate.HasPrivateKey);
    }

    [Fact]
    public void TheTerminalQrCodeIsSquareWithAQuietZone()
    {
        var lines = TerminalQr.Render("https://192.168.1.20:5443/").TrimEnd('\n').Split('\n');

        Assert.All(lines, line => Assert.Equal(lines[0].Length, line.Length));
        Assert.Equal(lines[0].Length, (lines.Length * 2) - 1);
        Assert.Equal(new string('█', lines[0].Length), lines[0]);
    }
}
