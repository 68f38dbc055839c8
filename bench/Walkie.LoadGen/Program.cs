using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Walkie.LoadGen;

// Drives a running Walkie.Server with real SignalR clients and measures what one server carries.
// Usage: Walkie.LoadGen --url http://127.0.0.1:5000 --server-pid PID [--clients 18500] [--room-size 10]
//        [--churn 250,500,1000,2000] [--relay 1000,2000,4000,8000] [--step-seconds 10] [--out bench/results]
// A cluster is several comma-separated URLs and PIDs: each room's members are dealt over the nodes in turn, so every
// press, FloorChanged and signal crosses nodes, and memory and CPU are the nodes' sums.
var opts = ParseArgs(args);
var urls = opts["url"].Split(',').Select(u => new Uri(new Uri(u), "/hubs/channel")).ToList();
var probe = new ServerProbe([.. opts["server-pid"].Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture))]);
var target = Int("clients", 18_500);
var roomSize = Int("room-size", 10);
var stepSeconds = Int("step-seconds", 10);
var outDir = opts.GetValueOrDefault("out", "bench/results");
var results = new Dictionary<string, object>
{
    ["benchmark"] = "signaling",
    ["date"] = DateTimeOffset.UtcNow.ToString("u"),
    ["machine"] = Machine(),
    ["nodes"] = urls.Count,
};
var fleet = new Fleet(urls, roomSize);
Console.WriteLine($"Walkie signaling benchmark, {results["date"]}, {Machine()}");

// Phase 0: idle server memory, then 2,000 clients and sequential presses for press-to-grant.
var rssIdle = probe.ResidentBytes();
await fleet.GrowTo(Math.Min(2_000, target));
var pressToGrant = new Samples();
foreach (var room in fleet.Rooms.Take(500))
{
    var member = room.Members[0];
    var start = Fleet.Now();
    await member.Connection.InvokeAsync<JsonElement>("RequestFloor", new { });
    pressToGrant.Add(Samples.Since(start));
    await member.Connection.InvokeAsync("ReleaseFloor", new { });
}
var p2g = pressToGrant.Summarize();
results["pressToGrantWhileConnected"] = new { clients = fleet.Count, summary = p2g };
Console.WriteLine($"press-to-grant with {fleet.Count} clients connected: {p2g}");

// Phase 1: ramp to the target.
var rampWatch = Stopwatch.StartNew();
var startCount = fleet.Count;
await fleet.GrowTo(target);
rampWatch.Stop();
await Task.Delay(TimeSpan.FromSeconds(5)); // let allocation settle before reading memory
var rss = probe.ResidentBytes();
var perConnection = (rss - rssIdle) / (double)fleet.Count;
results["ramp"] = new
{
    clients = fleet.Count,
    rooms = fleet.Rooms.Count,
    seconds = rampWatch.Elapsed.TotalSeconds,
    joinsPerSecond = (fleet.Count - startCount) / rampWatch.Elapsed.TotalSeconds,
    serverRssIdleMiB = rssIdle / 1048576.0,
    serverRssMiB = rss / 1048576.0,
    bytesPerConnection = perConnection,
};
Console.WriteLine($"ramp: {fleet.Count} joined clients in {fleet.Rooms.Count} rooms, {fleet.Count - startCount} in {rampWatch.Elapsed.TotalSeconds:F1} s; " +
                  $"server RSS {rssIdle / 1048576.0:F0} -> {rss / 1048576.0:F0} MiB = {perConnection / 1024:F1} KiB per connection");

// Phase 2: floor churn at stepped rates.
var churn = new List<object>();
foreach (var rate in Ints("churn", [250, 500, 1000, 2000]))
{
    var step = await Churn(rate);
    churn.Add(step);
    Console.WriteLine($"churn {rate}/s: {step}");
}
results["churn"] = churn;

// Phase 3: signaling relay at stepped rates.
var relay = new List<object>();
foreach (var rate in Ints("relay", [1000, 2000, 4000, 8000]))
{
    var step = await Relay(rate);
    relay.Add(step);
    Console.WriteLine($"relay {rate}/s: {step}");
}
results["relay"] = relay;

await fleet.DisposeAsync();
Write(results);
return;

async Task<object> Churn(int rate)
{
    fleet.FanOut = new Samples();
    var grants = new Samples();
    var missed = 0;
    var next = 0;
    var inFlight = new List<Task>();
    var (cpu0, own0) = (probe.CpuSeconds(), probe.OwnCpuSeconds());
    var gc0 = GC.GetTotalPauseDuration();
    var watch = Stopwatch.StartNew();
    long launched = 0;
    while (watch.Elapsed.TotalSeconds < stepSeconds)
    {
        var due = (long)(watch.Elapsed.TotalSeconds * rate);
        for (; launched < due; launched++)
        {
            // Open loop: the schedule does not wait for slow answers. A room still mid-press is skipped and counted.
            var room = fleet.Rooms[next++ % fleet.Rooms.Count];
            if (Interlocked.CompareExchange(ref room.Busy, 1, 0) != 0)
            {
                missed++;
                continue;
            }
            inFlight.Add(PressAndRelease(room, grants));
        }
        inFlight.RemoveAll(t => t.IsCompleted);
        await Task.Delay(2);
    }
    await Task.WhenAll(inFlight).WaitAsync(TimeSpan.FromSeconds(30));
    var seconds = watch.Elapsed.TotalSeconds;
    var (cpu1, own1) = (probe.CpuSeconds(), probe.OwnCpuSeconds());
    var g = grants.Summarize();
    Console.WriteLine($"  (generator GC pauses {(GC.GetTotalPauseDuration() - gc0).TotalMilliseconds:F0} ms in {seconds:F0} s)");
    return new ChurnStep(rate, g.Count / seconds, missed, g, fleet.FanOut.Summarize(),
        100 * (cpu1 - cpu0) / seconds, 100 * (own1 - own0) / seconds);
}

async Task PressAndRelease(Room room, Samples grants)
{
    var member = room.Members[Random.Shared.Next(room.Members.Count)];
    var start = Fleet.Now();
    room.Press = new Press(member.Id, start);
    try
    {
        await member.Connection.InvokeAsync<JsonElement>("RequestFloor", new { });
        grants.Add(Samples.Since(start));
        await member.Connection.InvokeAsync("ReleaseFloor", new { });
    }
    finally
    {
        room.Press = null;
        Volatile.Write(ref room.Busy, 0);
    }
}

async Task<object> Relay(int rate)
{
    fleet.Relay = new Samples();
    var (cpu0, own0) = (probe.CpuSeconds(), probe.OwnCpuSeconds());
    var watch = Stopwatch.StartNew();
    long sent = 0;
    var next = 0;
    var sends = new List<Task>();
    while (watch.Elapsed.TotalSeconds < stepSeconds)
    {
        var due = (long)(watch.Elapsed.TotalSeconds * rate);
        for (; sent < due; sent++)
        {
            var room = fleet.Rooms[next++ % fleet.Rooms.Count];
            var from = room.Members[(int)(sent % room.Members.Count)];
            var to = room.Members[(int)((sent + 1) % room.Members.Count)];
            var candidate = new { candidate = "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", sdpMid = "0", sdpMLineIndex = 0, usernameFragment = Fleet.Now().ToString(CultureInfo.InvariantCulture) };
            sends.Add(from.Connection.SendAsync("Signal", new { to = to.Id, candidate }));
        }
        sends.RemoveAll(t => t.IsCompleted);
        await Task.Delay(2);
    }
    await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(30));
    var deadline = Stopwatch.StartNew();
    while (fleet.Relay.Count < sent && deadline.Elapsed < TimeSpan.FromSeconds(10))
    {
        await Task.Delay(50);
    }
    var seconds = watch.Elapsed.TotalSeconds;
    var (cpu1, own1) = (probe.CpuSeconds(), probe.OwnCpuSeconds());
    var s = fleet.Relay.Summarize();
    return new RelayStep(rate, sent, s.Count, s.Count / seconds, s, 100 * (cpu1 - cpu0) / seconds, 100 * (own1 - own0) / seconds);
}

void Write(Dictionary<string, object> data)
{
    Directory.CreateDirectory(outDir);
    var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
    var json = Path.Combine(outDir, $"signaling-{stamp}.json");
    File.WriteAllText(json, JsonSerializer.Serialize(data, new JsonSerializerOptions { WriteIndented = true }));
    var md = new StringBuilder();
    md.AppendLine($"### Signaling load, {data["date"]}, {urls.Count} node(s)").AppendLine().AppendLine($"Machine: {data["machine"]}").AppendLine();
    md.AppendLine("| measure | result |").AppendLine("|---|---|");
    md.AppendLine($"| press-to-grant, {Math.Min(2_000, target):N0} clients connected | {p2g} |");
    md.AppendLine($"| joined clients | {fleet.Count} in {fleet.Rooms.Count} rooms of {roomSize}, ramp {rampWatch.Elapsed.TotalSeconds:F1} s |");
    md.AppendLine($"| server memory per connection | {perConnection / 1024:F1} KiB (RSS {rssIdle / 1048576.0:F0} → {rss / 1048576.0:F0} MiB{(urls.Count > 1 ? $", summed over {urls.Count} nodes" : "")}) |");
    md.AppendLine().AppendLine("| churn target/s | grants/s | skipped | press-to-grant p50 / p95 / p99 ms | FloorChanged fan-out p50 / p95 / p99 ms | server CPU % | generator CPU % |").AppendLine("|---|---|---|---|---|---|---|");
    foreach (ChurnStep c in churn)
    {
        md.AppendLine($"| {c.TargetPerSecond} | {c.GrantsPerSecond:F0} | {c.Skipped} | {c.PressToGrant.P50:F1} / {c.PressToGrant.P95:F1} / {c.PressToGrant.P99:F1} | {c.FanOut.P50:F1} / {c.FanOut.P95:F1} / {c.FanOut.P99:F1} | {c.ServerCpuPercent:F0} | {c.GeneratorCpuPercent:F0} |");
    }
    md.AppendLine().AppendLine("| relay target/s | sent | delivered/s | latency p50 / p95 / p99 ms | server CPU % | generator CPU % |").AppendLine("|---|---|---|---|---|---|");
    foreach (RelayStep r in relay)
    {
        md.AppendLine($"| {r.TargetPerSecond} | {r.Sent} | {r.DeliveredPerSecond:F0} | {r.Latency.P50:F1} / {r.Latency.P95:F1} / {r.Latency.P99:F1} | {r.ServerCpuPercent:F0} | {r.GeneratorCpuPercent:F0} |");
    }
    File.WriteAllText(Path.ChangeExtension(json, ".md"), md.ToString());
    Console.WriteLine();
    Console.WriteLine(md);
    Console.WriteLine($"results: {json} and .md");
}

// The generator runs pinned to one core, so ProcessorCount would say 1: count the machine's cores instead.
static string Machine() =>
    $"{File.ReadLines("/proc/cpuinfo").Count(l => l.StartsWith("processor", StringComparison.Ordinal))} cores ({CpuModel()}), " +
    $"{RuntimeInformation.OSDescription}, .NET {Environment.Version}; server pinned to core 0, generator to core 1";

static string CpuModel() =>
    File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown CPU"
        : "unknown CPU";

static Dictionary<string, string> ParseArgs(string[] args)
{
    var d = new Dictionary<string, string>();
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        d[args[i].TrimStart('-')] = args[i + 1];
    }
    return d;
}

int Int(string name, int fallback) => opts.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

int[] Ints(string name, int[] fallback) =>
    opts.TryGetValue(name, out var v) ? [.. v.Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture))] : fallback;

internal sealed record ChurnStep(int TargetPerSecond, double GrantsPerSecond, int Skipped, Summary PressToGrant, Summary FanOut, double ServerCpuPercent, double GeneratorCpuPercent)
{
    public override string ToString() =>
        $"{GrantsPerSecond:F0} grants/s (skipped {Skipped}), press-to-grant {PressToGrant}, fan-out p50/p95/p99 {FanOut.P50:F2}/{FanOut.P95:F2}/{FanOut.P99:F2} ms, server CPU {ServerCpuPercent:F0}%, generator CPU {GeneratorCpuPercent:F0}%";
}

internal sealed record RelayStep(int TargetPerSecond, long Sent, int Delivered, double DeliveredPerSecond, Summary Latency, double ServerCpuPercent, double GeneratorCpuPercent)
{
    public override string ToString() =>
        $"sent {Sent}, delivered {Delivered} ({DeliveredPerSecond:F0}/s), latency {Latency}, server CPU {ServerCpuPercent:F0}%, generator CPU {GeneratorCpuPercent:F0}%";
}
