using System.Diagnostics.Metrics;

namespace Walkie.Server.Protection;

/// <summary>
/// Counters for what clients cause, so an operator sees refusals and cut-offs without a log line for each:
/// those happen as fast as a hostile client likes.
/// </summary>
internal sealed class WalkieMetrics
{
    public const string MeterName = "Walkie";

    private readonly Counter<long> _refusals;
    private readonly Counter<long> _cuts;
    private readonly Counter<long> _turnedAway;

    public WalkieMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _refusals = meter.CreateCounter<long>("walkie.hub.refusals", description: "Hub calls refused with a coded error");
        _cuts = meter.CreateCounter<long>("walkie.connections.cut", description: "Connections the server cut off");
        _turnedAway = meter.CreateCounter<long>("walkie.connections.refused", description: "Connection attempts refused before the hub");
    }

    public void Refused(string method, string code) =>
        _refusals.Add(1, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("code", code));

    public void ConnectionCut(string reason) => _cuts.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void TurnedAway(string reason) => _turnedAway.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
