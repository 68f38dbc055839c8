using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Walkie.Server.Lan;

/// <summary>
/// Walkie's own certificate for LAN mode: self-signed, naming every address and name of this machine. It is kept and
/// reused, since each phone must accept it once; it is made anew only when it no longer names this machine (it moved
/// to another network) or is about to expire.
/// </summary>
internal static class LanCertificate
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(397);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    public static X509Certificate2 LoadOrCreate(string path, IReadOnlyList<IPAddress> addresses, IReadOnlyList<string> names, DateTimeOffset now)
    {
        if (TryLoad(path) is { } existing)
        {
            if (Covers(existing, addresses, names) && existing.NotAfter.ToUniversalTime() > (now + RenewBefore).UtcDateTime)
            {
                return existing;
            }
            existing.Dispose();
        }

        using var created = Create(addresses, names, now);
        var pfx = created.Export(X509ContentType.Pkcs12);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, pfx);
        if (!OperatingSystem.IsWindows())
        {
            // It holds the private key.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return X509CertificateLoader.LoadPkcs12(pfx, password: null);
    }

    public static bool Covers(X509Certificate2 certificate, IEnumerable<IPAddress> addresses, IEnumerable<string> names)
    {
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null)
        {
            return false;
        }
        var ips = san.EnumerateIPAddresses().ToHashSet();
        var dns = san.EnumerateDnsNames().ToHashSet(StringComparer.OrdinalIgnoreCase);
        return addresses.All(ips.Contains) && names.All(dns.Contains);
    }

    private static X509Certificate2? TryLoad(string path)
    {
        try
        {
            return File.Exists(path) ? X509CertificateLoader.LoadPkcs12FromFile(path, password: null) : null;
        }
        catch (CryptographicException)
        {
            // Unreadable or damaged: a new one replaces it.
            return null;
        }
    }

    private static X509Certificate2 Create(IReadOnlyList<IPAddress> addresses, IReadOnlyList<string> names, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=Walkie on {names[0]}, O=Walkie LAN mode", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            san.AddDnsName(name);
        }
        foreach (var address in addresses.Append(IPAddress.Loopback))
        {
            san.AddIpAddress(address);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now.AddDays(-1), now + Lifetime);
    }
}
