using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using static Walkie.Attack.Report;

namespace Walkie.Attack.Attacks;

/// <summary>
/// A bot that asks for the floor again the instant it loses it, against a person who presses 150 ms after seeing the
/// channel idle (or keeps a queued press) and talks for one second. Run with a 2 s transmit limit.
/// </summary>
internal static class FloorHog
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);

    public static async Task Run(Target target, Report report)
    {
        using var stop = new CancellationTokenSource(Duration + TimeSpan.FromSeconds(10));
        var grants = new GrantCount();
        var human = new Human(stop.Token);
        var humanConnection = await target.Open(c =>
        {
            c.On<JsonElement>("FloorChanged", floor =>
            {
                grants.Saw(floor);
                human.Saw(floor);
            });
            c.On<JsonElement>("FloorGranted", _ => human.Granted());
        });
        var bot = new Bot(stop.Token);
        var botConnection = await target.Open(c =>
        {
            c.On<JsonElement>("FloorChanged", bot.Saw);
            c.On<JsonElement>("FloorRevoked", _ => bot.Ask());
        });
        human.Start(humanConnection, await humanConnection.Join("hog", "human"));
        bot.Start(botConnection, await botConnection.Join("hog", "bot"));
        grants.Start();

        await Task.Delay(Duration);
        var (counts, airtime) = grants.Stop();
        await stop.CancelAsync();
        long humanGrants = counts.GetValueOrDefault(human.Id), allGrants = counts.Values.Sum();
        double humanAir = airtime.GetValueOrDefault(human.Id).TotalSeconds, allAir = airtime.Values.Sum(t => t.TotalSeconds);
        report.Row($"human's share of grants in {S(Duration)}", $"{Percent(humanGrants, allGrants)} ({humanGrants} of {allGrants}; bot {counts.GetValueOrDefault(bot.Id)})");
        report.Row("human's share of airtime", $"{Percent(humanAir, allAir)} ({humanAir:F1} s of {allAir:F1} s held)");
        report.Row("human's presses", human.Answers.ToString());
        report.Row("bot's requests", bot.Answers.ToString());
        await new[] { humanConnection, botConnection }.DisposeAll();
    }

    private static string Percent(double part, double whole) => whole > 0 ? $"{100 * part / whole:F0}%" : "n/a";

    private static string? HolderId(JsonElement floor) =>
        floor.TryGetProperty("holder", out var h) && h.ValueKind == JsonValueKind.Object ? h.GetProperty("id").GetString() : null;

    private static bool Queued(JsonElement floor, string id) =>
        floor.TryGetProperty("queue", out var q) && q.EnumerateArray().Any(p => p.GetProperty("id").GetString() == id);

    /// <summary>Grants and held time per participant, from FloorChanged as one member sees it.</summary>
    private sealed class GrantCount
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<string, long> _grants = [];
        private readonly Dictionary<string, TimeSpan> _airtime = [];
        private readonly Stopwatch _clock = new();
        private string? _holder;
        private string? _grant;
        private TimeSpan _since;

        public void Start()
        {
            lock (_lock) { _clock.Start(); _since = TimeSpan.Zero; }
        }

        public void Saw(JsonElement floor)
        {
            var holder = HolderId(floor);
            // A grant is a new (holder, since) pair; the same holder may be granted twice in a row.
            var grant = holder is null ? null : $"{holder}@{(floor.TryGetProperty("since", out var s) ? s.ToString() : "")}";
            lock (_lock)
            {
                if (grant == _grant)
                {
                    return;
                }
                var now = _clock.Elapsed;
                if (_clock.IsRunning && _holder is not null)
                {
                    _airtime[_holder] = _airtime.GetValueOrDefault(_holder) + (now - _since);
                }
                if (_clock.IsRunning && holder is not null)
                {
                    _grants[holder] = _grants.GetValueOrDefault(holder) + 1;
                }
                (_holder, _grant, _since) = (holder, grant, now);
            }
        }

        public (Dictionary<string, long> Grants, Dictionary<string, TimeSpan> Airtime) Stop()
        {
            lock (_lock)
            {
                if (_holder is not null)
                {
                    _airtime[_holder] = _airtime.GetValueOrDefault(_holder) + (_clock.Elapsed - _since);
                }
                _clock.Stop();
                _holder = null;
                return (new(_grants), new(_airtime));
            }
        }
    }

    /// <summary>Asks again the moment it has neither the floor nor a place in the queue.</summary>
    private sealed class Bot(CancellationToken stop)
    {
        private HubConnection? _connection;
        private int _asking;
        private volatile bool _wantsFloor = true;

        public string Id { get; private set; } = "";
        public Tally Answers { get; } = new();

        public void Start(HubConnection connection, string id)
        {
            (_connection, Id) = (connection, id);
            Ask();
        }

        public void Saw(JsonElement floor)
        {
            _wantsFloor = HolderId(floor) != Id && !Queued(floor, Id);
            if (Id != "" && _wantsFloor)
            {
                Ask();
            }
        }

        public void Ask()
        {
            if (_connection is null || stop.IsCancellationRequested || Interlocked.Exchange(ref _asking, 1) == 1)
            {
                return;
            }
            // Never await a call inside a handler: the client runs handlers on its receive loop.
            _ = Task.Run(async () =>
            {
                var (outcome, answer) = await Outcome.OfResult(_connection.InvokeAsync<JsonElement>("RequestFloor", new { }, stop), stop);
                Answers.Add(outcome == Outcome.Ok ? answer.GetProperty("outcome").GetString() ?? "?" : outcome);
                Volatile.Write(ref _asking, 0);
                if (outcome != Outcome.Ok && outcome != Outcome.Closed && !stop.IsCancellationRequested)
                {
                    // Refused (rate-limited, say): try again shortly, as a bot would, if nothing has changed meanwhile.
                    await Task.Delay(20);
                    if (_wantsFloor)
                    {
                        Ask();
                    }
                }
            });
        }
    }

    /// <summary>A person: presses 150 ms after seeing the channel idle, keeps a queued press, talks 1 s, releases.</summary>
    private sealed class Human(CancellationToken stop)
    {
        private static readonly TimeSpan Reaction = TimeSpan.FromMilliseconds(150);
        private static readonly TimeSpan Talk = TimeSpan.FromSeconds(1);
        private HubConnection? _connection;
        private int _busy; // 1 from a press until the release
        private TaskCompletionSource _granted = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Id { get; private set; } = "";
        public Tally Answers { get; } = new();

        public void Start(HubConnection connection, string id) => (_connection, Id) = (connection, id);

        public void Saw(JsonElement floor)
        {
            var holder = HolderId(floor);
            if (holder == Id && Id != "")
            {
                _granted.TrySetResult();
            }
            if (holder is null && _connection is not null && !stop.IsCancellationRequested && Interlocked.Exchange(ref _busy, 1) == 0)
            {
                _ = Task.Run(Press);
            }
        }

        public void Granted() => _granted.TrySetResult();

        private async Task Press()
        {
            var connection = _connection!;
            var released = false;
            try
            {
                _granted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await Task.Delay(Reaction, stop);
                var (outcome, answer) = await Outcome.OfResult(connection.InvokeAsync<JsonElement>("RequestFloor", new { }, stop), stop);
                var said = outcome == Outcome.Ok ? answer.GetProperty("outcome").GetString() ?? "?" : outcome;
                Answers.Add(said);
                if (said == "queued")
                {
                    await _granted.Task.WaitAsync(stop);
                }
                if (said is "granted" or "queued")
                {
                    await Task.Delay(Talk, stop);
                    // Free to press again before releasing, so the idle that the release may cause is not missed.
                    released = true;
                    Volatile.Write(ref _busy, 0);
                    await Outcome.Of(connection.InvokeAsync("ReleaseFloor", new { }, stop), stop);
                }
            }
            catch (OperationCanceledException)
            {
                // The run is over.
            }
            finally
            {
                if (!released)
                {
                    Volatile.Write(ref _busy, 0);
                }
            }
        }
    }
}
