using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Walkie.Server.Lan;

/// <summary>Where other machines on the network can reach this one.</summary>
internal static class LanAddresses
{
    /// <summary>
    /// Every non-loopback address, best first: interfaces with a gateway (the Wi-Fi or wired LAN a phone shares) before
    /// the others (container bridges, VPNs), and IPv4 before IPv6, since that is what people read and type.
    /// </summary>
    public static IReadOnlyList<IPAddress> Discover() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n =>
            {
                var properties = n.GetIPProperties();
                var routed = properties.GatewayAddresses.Count > 0;
                return properties.UnicastAddresses.Select(u => (u.Address, routed));
            })
            .Where(a => !IPAddress.IsLoopback(a.Address) && !a.Address.IsIPv6LinkLocal
                && a.Address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            .OrderByDescending(a => a.routed)
            .ThenBy(a => a.Address.AddressFamily == AddressFamily.InterNetworkV6)
            .Select(a => a.Address)
            .Distinct()
            .ToList();

    /// <summary>The machine's names: its host name, the same under mDNS (".local", which phones resolve), and localhost.</summary>
    public static IReadOnlyList<string> Names()
    {
        var host = Dns.GetHostName().ToLowerInvariant();
        return host is "" or "localhost" ? ["localhost"] : [host, $"{host}.local", "localhost"];
    }

    public static string Url(IPAddress address, int port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"https://[{address}]:{port}/" : $"https://{address}:{port}/";
}
