using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration.Cluster;

// The single-node suites again, with the same assertions, against three nodes behind nginx: each client lands on
// whichever node nginx picks, so members of one channel are spread over the cluster.

[Collection(ClusterCollection.Name)]
public class ClusterPresenceTests : PresenceTests
{
    private protected override async Task<IWalkieTarget> StartAsync(Dictionary<string, string?>? settings = null) =>
        await RunningCluster.StartAsync(settings);
}

[Collection(ClusterCollection.Name)]
public class ClusterSignalRelayTests : SignalRelayTests
{
    private protected override async Task<IWalkieTarget> StartAsync(Dictionary<string, string?>? settings = null) =>
        await RunningCluster.StartAsync(settings);
}

[Collection(ClusterCollection.Name)]
public class ClusterFloorTests : FloorTests
{
    private protected override async Task<IWalkieTarget> StartAsync(Dictionary<string, string?>? settings = null) =>
        await RunningCluster.StartAsync(settings);
}

[Collection(ClusterCollection.Name)]
public class ClusterBadInputTests : BadInputTests
{
    private protected override async Task<IWalkieTarget> StartAsync(Dictionary<string, string?>? settings = null) =>
        await RunningCluster.StartAsync(settings);
}

[Collection(ClusterCollection.Name)]
public class ClusterFloorRaceTests : FloorRaceTests
{
    private protected override async Task<IWalkieTarget> StartAsync(Dictionary<string, string?>? settings = null) =>
        await RunningCluster.StartAsync(settings);
}
