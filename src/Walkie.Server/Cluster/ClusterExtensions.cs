using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using StackExchange.Redis;
using Walkie.Server.Channels;
using Walkie.Server.Lan;

namespace Walkie.Server.Cluster;

internal static class ClusterExtensions
{
    /// <summary>
    /// Channels are grains of an Orleans silo in this process. On its own (the default) the silo is a cluster of one on
    /// loopback, and needs nothing outside the process. With Walkie:Cluster:Redis set, the node joins the cluster whose
    /// membership Redis keeps, and SignalR sends travel over Redis to whichever node holds the connection.
    /// </summary>
    public static WebApplicationBuilder AddCluster(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection($"{WalkieOptions.Section}:Cluster").Get<ClusterSettings>() ?? new ClusterSettings();
        builder.UseOrleans(silo =>
        {
            if (settings.Enabled)
            {
                JoinCluster(silo, settings);
            }
            else
            {
                // Any free loopback port, so two Walkies on one machine never collide; nothing else ever dials it.
                silo.UseLocalhostClustering(siloPort: FreeLoopbackPort(), gatewayPort: 0, serviceId: "walkie", clusterId: settings.ClusterId);
            }
            // A call to a grain on a node that just died fails in seconds; the client retries, and reaches its new activation.
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
            // Walkie's own records cross nodes as JSON; references to grains and nodes stay Orleans's own.
            silo.Services.AddSerializer(s => s.AddJsonSerializer(isSerializable: ImmutableRecords.IsWalkieType, isCopyable: t => ImmutableRecords.IsWalkieType(t) && !ImmutableRecords.IsWalkieRecord(t)));
            silo.Services.AddSingleton<IGeneralizedCopier, ImmutableRecords>();
        });
        if (settings.Enabled)
        {
            builder.Services.AddSignalR().AddStackExchangeRedis(settings.Redis, o => o.Configuration.ChannelPrefix = RedisChannel.Literal($"walkie-{settings.ClusterId}"));
            builder.Services.AddOptions<Microsoft.AspNetCore.SignalR.StackExchangeRedis.RedisOptions>()
                .Configure<Backplane>((o, backplane) => o.ConnectionFactory = log => backplane.ConnectAsync(o, log));
        }
        builder.Services.AddSingleton<Backplane>();
        builder.Services.AddSingleton<ClusterNode>();
        builder.Services.AddSingleton<ClusterChannels>();
        builder.Services.AddSingleton<IChannels>(sp => sp.GetRequiredService<ClusterChannels>());
        if (settings.Enabled)
        {
            // Alone, no other node can die with members of this one's channels: there is nothing to renew.
            builder.Services.AddHostedService<LeaseRenewer>();
        }
        return builder;
    }

    private static void JoinCluster(ISiloBuilder silo, ClusterSettings settings)
    {
        silo.UseRedisClustering(settings.Redis);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = "walkie";
        });
        // No gateway: only nodes of the cluster call grains, each as a silo of its own.
        silo.ConfigureEndpoints(AdvertisedAddress(settings), settings.SiloPort, gatewayPort: 0, listenOnAnyHostAddress: true);
        // A channel must never be active on two nodes at once. Orleans's own directory keeps each entry on one
        // node, and loses it with that node: a channel still active elsewhere was then activated a second time (seen
        // in the failover tests). In Redis the entry outlives any node, and Orleans drops a dead node's entries.
        silo.UseRedisGrainDirectoryAsDefault(o => o.ConfigurationOptions = ConfigurationOptions.Parse(settings.Redis));
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            // A dead node's channels come back on a survivor within a few seconds, not the default minute.
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 2;
            o.NumVotesForDeathDeclaration = 1;
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
        });
    }

    /// <summary>
    /// Walkie's grain messages are records nobody changes once made: a call between a node's hub and a channel active
    /// on the same node passes them as they are, rather than copying each through JSON (which nearly doubled the CPU of
    /// a relayed signal). Records only: a class added to a grain call later is copied, not shared by mistake.
    /// </summary>
    private sealed class ImmutableRecords : IGeneralizedCopier
    {
        public static bool IsWalkieType(Type type) =>
            !type.IsInterface && type.Namespace?.StartsWith("Walkie.Server", StringComparison.Ordinal) == true;

        // The compiler gives every record class, and only those, a "<Clone>$" method.
        public static bool IsWalkieRecord(Type type) => IsWalkieType(type) && type.GetMethod("<Clone>$") is not null;

        public bool IsSupportedType(Type type) => IsWalkieRecord(type);

        public object? DeepCopy(object? input, CopyContext context) => input;
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static IPAddress AdvertisedAddress(ClusterSettings settings) =>
        settings.AdvertisedAddress.Length > 0
            ? IPAddress.Parse(settings.AdvertisedAddress)
            : NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(a => a.Address)
                .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? IPAddress.Loopback;
}
