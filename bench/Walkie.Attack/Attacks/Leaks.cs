using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using static Walkie.Attack.Report;

namespace Walkie.Attack.Attacks;

/// <summary>Attacks through what the server writes and sends: its log, and its HTTP answers.</summary>
internal static class Leaks
{
    public static async Task LogFlood(Target target, Report report)
    {
        var owner = await target.Open();
        await owner.Join("locked", "owner", "right");
        var attacker = await target.Open();

        // Let start-up logging settle, so that only the attack's lines are counted.
        await Task.Delay(1000);
        var before = target.LogLength();
        const int calls = 10_000;
        var answers = new Tally();
        var made = 0;
        var elapsed = await Flood.Run(8, TimeSpan.FromSeconds(15), async (_, ct) =>
        {
            var n = Interlocked.Increment(ref made);
            if (n > calls)
            {
                return false;
            }
            // Half wrong passcodes, half floor requests before joining: both are refused.
            var call = n % 2 == 0
                ? attacker.InvokeAsync<JsonElement>("Join", new { channel = "locked", name = "intruder", passcode = $"wrong-{n}" }, ct)
                : attacker.InvokeAsync<JsonElement>("RequestFloor", new { }, ct);
            var outcome = await Outcome.Of(call, ct);
            answers.Add(outcome);
            return outcome != Outcome.Closed;
        });
        await Task.Delay(1500); // the console logger writes from a queue
        var written = target.LogSince(before);
        report.Row($"log written by {N(answers.Total)} refused calls in {S(elapsed)}", Volume(written, answers.Total, "call"));
        report.Row("answers", answers.ToString());

        // Not a refusal, but the cheapest way to make a server talk: join and leave an empty channel, over and over.
        before = target.LogLength();
        var cycles = new Tally();
        await Flood.Run(1, TimeSpan.FromSeconds(10), async (_, ct) =>
        {
            if (cycles.Total >= 1000)
            {
                return false;
            }
            var joined = await Outcome.Of(attacker.InvokeAsync<JsonElement>("Join", new { channel = "churn", name = "churner" }, ct), ct);
            cycles.Add(joined == Outcome.Ok ? (await Outcome.Of(attacker.InvokeAsync("Leave", new { }, ct), ct)) : $"join {joined}");
            return joined != Outcome.Closed;
        });
        await Task.Delay(1500);
        report.Row($"log written by {N(cycles.Total)} Join+Leave cycles", Volume(target.LogSince(before), cycles.Total, "cycle") + $"; answers: {cycles}");
        await new[] { owner, attacker }.DisposeAll();
    }

    private static string Volume(string log, long calls, string per) =>
        $"{N(System.Text.Encoding.UTF8.GetByteCount(log))} bytes, {N(log.Count(c => c == '\n'))} lines " +
        $"({(calls > 0 ? System.Text.Encoding.UTF8.GetByteCount(log) / (double)calls : 0):F1} bytes per {per})";

    public static async Task LogSecrets(Target target, Report report)
    {
        const string passcode = "PASS-MARKER-123";
        var delivered = 0;
        var alice = await target.Open(c => c.On<JsonElement>("Signal", _ => Interlocked.Increment(ref delivered)));
        var aliceId = await alice.Join("secret", "alice", passcode);
        var bob = await target.Open();
        await bob.Join("secret", "bob", passcode);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" +
                  "a=ice-ufrag:Xy7q\r\na=ice-pwd:SDPMARKER999\r\na=fingerprint:sha-256 00:11:22\r\n";
        var offer = await Outcome.Of(bob.InvokeAsync("Signal", new { to = aliceId, description = new { type = "offer", sdp } }, timeout.Token), timeout.Token);
        var candidate = new { candidate = "candidate:CANDMARKER 1 udp 2122260223 127.0.0.1 50000 typ host", sdpMid = "0", sdpMLineIndex = 0 };
        var ice = await Outcome.Of(bob.InvokeAsync("Signal", new { to = aliceId, candidate }, timeout.Token), timeout.Token);
        await Flood.Until(() => Volatile.Read(ref delivered) >= 2, TimeSpan.FromSeconds(5));
        await Task.Delay(1500); // the console logger writes from a queue

        var log = target.LogSince(0);
        report.Row("offer / candidate relayed", $"{offer} / {ice}, {Volatile.Read(ref delivered)} of 2 delivered");
        report.Row("log at Trace", $"{N(log.Length)} characters, {N(log.Count(c => c == '\n'))} lines");
        foreach (var (what, marker) in new[] { ("passcode", passcode), ("SDP ice-pwd", "SDPMARKER999"), ("ICE candidate", "CANDMARKER") })
        {
            var times = log.Split(marker).Length - 1;
            report.Row($"{what} ({marker}) in the log", times == 0 ? "no" : $"YES, {times} times");
        }
        await new[] { alice, bob }.DisposeAll();
    }

    public static async Task Http(Target target, Report report)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var page = await http.GetAsync(target.BaseUrl);
        report.Row("GET / status", ((int)page.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var header in new[] { "Server", "Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options" })
        {
            report.Row($"GET / header {header}", Header(page, header) ?? "absent");
        }

        const string evil = "https://evil.example";
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Hub + "/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", evil);
        using var negotiate = await http.SendAsync(request);
        report.Row($"negotiate with Origin {evil}",
            $"{(negotiate.IsSuccessStatusCode ? "accepted" : "refused")} ({(int)negotiate.StatusCode}); " +
            $"Access-Control-Allow-Origin {Header(negotiate, "Access-Control-Allow-Origin") ?? "absent"}");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            using var ws = await RawHub.Connect(target.EndPoint, timeout.Token, origin: evil);
            report.Row($"WebSocket with Origin {evil}", "accepted (101 and SignalR handshake)");
        }
        catch (Exception e)
        {
            report.Row($"WebSocket with Origin {evil}", $"refused: {Outcome.Classify(e, timeout.Token)}");
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        (response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values))
            ? string.Join(", ", values)
            : null;
}
