using System.Globalization;
using Walkie.Attack;
using Walkie.Attack.Attacks;

// Runs one hostile-client attack against a running Walkie server and prints its figures as markdown table rows,
// "| attack | figure | value |", on stdout; progress and errors go to stderr. bench/attacks.sh starts a fresh
// server for every attack and runs this once per attack.
// Usage: Walkie.Attack --attack NAME --url http://127.0.0.1:PORT --server-pid PID [--server-log FILE] [--as LABEL]
// LABEL names the attack in the table when one attack runs against differently configured servers.
var opts = new Dictionary<string, string>();
for (var i = 0; i + 1 < args.Length; i += 2)
{
    opts[args[i].TrimStart('-')] = args[i + 1];
}

var attacks = new Dictionary<string, Func<Target, Report, Task>>
{
    ["slow-reader"] = Memory.SlowReader,
    ["connection-flood"] = Memory.ConnectionFlood,
    ["negotiate-flood"] = Memory.NegotiateFlood,
    ["passcode-guess"] = Access.PasscodeGuess,
    ["channel-squat"] = Access.ChannelSquat,
    ["precreate"] = Access.Precreate,
    ["member-flood"] = Flooding.MemberFlood,
    ["floor-amplification"] = Flooding.FloorAmplification,
    ["refresh-ice"] = Flooding.RefreshIce,
    ["floor-hog"] = FloorHog.Run,
    ["log-flood"] = Leaks.LogFlood,
    ["log-secrets"] = Leaks.LogSecrets,
    ["http"] = Leaks.Http,
};

if (!opts.TryGetValue("attack", out var name) || !attacks.TryGetValue(name, out var attack)
    || !opts.TryGetValue("url", out var url) || !opts.TryGetValue("server-pid", out var pid))
{
    Console.Error.WriteLine($"usage: Walkie.Attack --attack ({string.Join('|', attacks.Keys)}) --url URL --server-pid PID [--server-log FILE]");
    return 2;
}

var target = new Target(new Uri(url), int.Parse(pid, CultureInfo.InvariantCulture), opts.GetValueOrDefault("server-log"));
var report = new Report(opts.GetValueOrDefault("as", name));
try
{
    // Every attack bounds its own loops; this is the backstop should a server stop answering altogether.
    await attack(target, report).WaitAsync(TimeSpan.FromSeconds(120));
}
catch (TimeoutException)
{
    report.Row("attack", "did not finish within 120 s");
}
catch (Exception e)
{
    report.Row("attack", $"stopped by {Outcome.Classify(e, CancellationToken.None)}: {e.Message}");
}
// Connections left to a dead or stuck server must not keep this process alive.
Console.Out.Flush();
Environment.Exit(0);
return 0;
