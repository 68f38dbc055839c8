using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Walkie.Server.Tests.Infrastructure;

/// <summary>
/// Debian's nginx with the shipped deploy/nginx/walkie.conf, on loopback, in front of several Walkie nodes: its ports,
/// certificate and upstream substituted, everything else as shipped. TLS uses a throwaway certificate for 127.0.0.1.
/// </summary>
internal sealed class NginxProxy : IAsyncDisposable
{
    private readonly ServiceProcess _process;
    private readonly string _directory;

    private NginxProxy(ServiceProcess process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public Uri HubUrl => new($"https://127.0.0.1:{Port}/hubs/channel");

    public string ErrorLog => File.Exists(Path.Combine(_directory, "error.log")) ? File.ReadAllText(Path.Combine(_directory, "error.log")) : "";

    public static async Task<NginxProxy> StartAsync(IEnumerable<int> upstreamPorts)
    {
        var directory = Directory.CreateTempSubdirectory("walkie-nginx-").FullName;
        // nginx's workers drop root and must still reach the temp folders made in here.
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the cluster tests run Debian's nginx");
        }
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        var (cert, key) = WriteCertificate(directory);
        var httpsPort = ServiceProcess.FreeTcpPort();
        var httpPort = ServiceProcess.FreeTcpPort();
        var site = File.ReadAllText(Path.Combine(Repository.Root, "deploy", "nginx", "walkie.conf"));
        site = Substitute(site, "listen 80;", $"listen 127.0.0.1:{httpPort};", 1);
        site = Substitute(site, "listen 443 ssl;", $"listen 127.0.0.1:{httpsPort} ssl;", 1);
        site = Substitute(site, "listen [::]:80;", "", 1);
        site = Substitute(site, "listen [::]:443 ssl;", "", 1);
        site = Substitute(site, "/etc/letsencrypt/live/CHANGE-ME.example.org/fullchain.pem", cert, 1);
        site = Substitute(site, "/etc/letsencrypt/live/CHANGE-ME.example.org/privkey.pem", key, 1);
        site = Substitute(site, "CHANGE-ME.example.org", "127.0.0.1", 2);
        site = Substitute(site, "server 127.0.0.1:5000;", string.Join("\n    ", upstreamPorts.Select(p => $"server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;")), 1);
        File.WriteAllText(Path.Combine(directory, "walkie.conf"), site);
        string[] temps = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"];
        File.WriteAllText(Path.Combine(directory, "nginx.conf"), $$"""
            worker_processes 1;
            events { worker_connections 4096; }
            http {
              access_log off;
              {{string.Join("\n  ", temps.Select(t => $"{t}_temp_path {Path.Combine(directory, t)};"))}}
              include {{Path.Combine(directory, "walkie.conf")}};
            }
            """);
        var process = ServiceProcess.Start("/usr/sbin/nginx",
            ["-p", directory, "-c", Path.Combine(directory, "nginx.conf"), "-e", Path.Combine(directory, "error.log"), "-g", $"daemon off; pid {Path.Combine(directory, "nginx.pid")};"]);
        var proxy = new NginxProxy(process, directory, httpsPort);
        var deadline = DateTime.UtcNow + RunningServer.Timeout;
        while (true)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync("127.0.0.1", httpsPort);
                return proxy;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
            catch
            {
                await proxy.DisposeAsync();
                throw new InvalidOperationException($"nginx did not start:\n{process.Tail()}\n{proxy.ErrorLog}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Each substitution must hit exactly as often as expected, so a changed sample fails here instead of being half-tested.</summary>
    private static string Substitute(string text, string from, string to, int times)
    {
        var found = text.Split(from).Length - 1;
        Assert.True(found == times, $"deploy/nginx/walkie.conf has {found} × \"{from}\", the test expects {times}");
        return text.Replace(from, to, StringComparison.Ordinal);
    }

    private static (string Cert, string Key) WriteCertificate(string directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certPath = Path.Combine(directory, "cert.pem");
        var keyPath = Path.Combine(directory, "key.pem");
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }
}
