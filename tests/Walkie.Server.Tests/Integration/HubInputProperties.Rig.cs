using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Walkie.Server.Hubs;
using Walkie.Server.Tests.Infrastructure;

namespace Walkie.Server.Tests.Integration;

public partial class HubInputProperties
{
    /// <summary>
    /// The fuzzed clients, the outsider they must never reach, and a model of who is in which channel, kept from
    /// the replies alone: a refused call changes nothing, a Join moves the caller, a Leave removes it.
    /// </summary>
    private sealed partial class Rig : IAsyncDisposable
    {
        public const string OutsideChannel = "outside";

        private static readonly HashSet<string> KnownCodes =
        [
            .. typeof(ErrorCodes).GetFields().Select(f => (string)f.GetRawConstantValue()!).Where(c => c != ErrorCodes.InternalError),
        ];

        private readonly TestClient[] _clients;
        private readonly Membership?[] _members;
        private readonly List<string> _departed;
        private readonly List<string>[] _expectedSenders;
        private readonly ConcurrentDictionary<string, int> _outcomes = new();

        private Rig(TestClient[] clients, TestClient outsider, string outsiderPasscode, string departed)
        {
            _clients = clients;
            _members = [.. clients.Select(c => new Membership("fuzz", c.Id))];
            _departed = [departed];
            _expectedSenders = [.. clients.Select(_ => new List<string>())];
            Outsider = outsider;
            OutsiderPasscode = outsiderPasscode;
        }

        public TestClient Outsider { get; }

        public string OutsiderPasscode { get; }

        public static async Task<Rig> StartAsync(RunningServer server)
        {
            var passcode = NewPasscode();
            var outsider = await server.JoinAsync(OutsideChannel, "Outsider", passcode);
            var clients = new TestClient[HubInputGenerators.FuzzedClients];
            for (var i = 0; i < clients.Length; i++)
            {
                clients[i] = await server.JoinAsync("fuzz", "Fuzzer");
            }
            await using var ghost = await server.JoinAsync("fuzz", "Ghost");
            await ghost.InvokeAsync("Leave", new { });
            return new Rig(clients, outsider, passcode, ghost.Id);
        }

        public async Task Run(HubCase c)
        {
            var client = _clients[c.Client];
            var arguments = c.Arguments.Select(a => (object?)a.ToElement(t => Resolve(t, c.Client))).ToArray();
            JsonElement? result = null;
            string? error = null;
            try
            {
                result = (JsonElement?)await client.Connection.InvokeCoreAsync(c.Method, typeof(JsonElement), arguments)
                    .WaitAsync(RunningServer.Timeout);
            }
            catch (HubException e)
            {
                error = e.Message;
            }
            Assert.True(client.Connection.State == HubConnectionState.Connected, $"the connection closed; error: {error}");
            if (error is not null)
            {
                Count(c.Method, Refusal(c, arguments.Length, error));
                return;
            }
            Assert.True(arguments.Length == 1, $"a call with {arguments.Length} arguments succeeded");
            Accept(c, (JsonElement)arguments[0]!, result);
            Count(c.Method, "ok");
        }

        public string Summary() => string.Join("\n", _outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key,-45} {o.Value,6}"));

        /// <summary>
        /// Moves every fuzzed client into a fresh channel and has each send one last signal to the next: it arrives
        /// after every earlier signal to that client, so what came before it is everything the client was sent.
        /// </summary>
        public async Task AssertEverySignalReachedOnlyItsAddressee()
        {
            foreach (var client in _clients)
            {
                await client.JoinAsync("barrier", "Fuzzer");
            }
            for (var i = 0; i < _clients.Length; i++)
            {
                var (from, to) = (_clients[i], _clients[(i + 1) % _clients.Length]);
                await from.InvokeAsync("Signal", new { to = to.Id, description = new { type = "offer", sdp = "barrier" } });
            }
            for (var i = 0; i < _clients.Length; i++)
            {
                var senders = new List<string>();
                var barrierFrom = _clients[(i + _clients.Length - 1) % _clients.Length].Id;
                while (await _clients[i].NextAsync("Signal") is var signal && signal.Str("from") != barrierFrom)
                {
                    senders.Add(signal.Str("from"));
                }
                var unexpected = senders.ToList();
                _expectedSenders[i].ForEach(s => unexpected.Remove(s));
                var missing = _expectedSenders[i].ToList();
                senders.ForEach(s => missing.Remove(s));
                Assert.True(unexpected.Count == 0 && missing.Count == 0,
                    $"fuzzed client {i} got signals nobody sent it from [{string.Join(", ", unexpected)}] and lacks those from [{string.Join(", ", missing)}]");
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var client in _clients.Append(Outsider))
            {
                await client.DisposeAsync();
            }
        }

        private string Resolve(Target target, int sender)
        {
            var id = target.Who switch
            {
                Who.Fuzzed => _members[target.Index % _members.Length]?.Id ?? _departed[^1],
                Who.Self => _members[sender]?.Id ?? _departed[^1],
                Who.Outsider => Outsider.Id,
                _ => _departed[target.Index % _departed.Count],
            };
            return target.Apply(id);
        }

        /// <summary>A refusal must carry a code; SignalR's own uncoded error is right only for a wrong argument count.</summary>
        private static string Refusal(HubCase c, int argumentCount, string error)
        {
            if (argumentCount != 1)
            {
                Assert.True(error == $"Failed to invoke '{c.Method}' due to an error on the server.", $"unexpected error: {error}");
                return "binding-error";
            }
            var match = CodedError().Match(error);
            Assert.True(match.Success, $"uncoded error, i.e. an unhandled exception on the server: {error}");
            var code = match.Groups[1].Value;
            Assert.True(code != ErrorCodes.InternalError, $"the server failed on this input: {error}");
            return KnownCodes.Contains(code) ? code : $"UNKNOWN CODE {code}";
        }

        private void Accept(HubCase c, JsonElement argument, JsonElement? result)
        {
            var self = _members[c.Client];
            switch (c.Method)
            {
                case "Join":
                    var channel = result!.Value.Str("channel");
                    Assert.True(channel != OutsideChannel, "joined the outsider's channel without its passcode");
                    Depart(c.Client);
                    _members[c.Client] = new Membership(channel, result.Value.GetProperty("self").Str("id"));
                    break;
                case "Leave":
                    Depart(c.Client);
                    break;
                case "Signal":
                    Assert.True(self is not null, "a signal from outside any channel was relayed");
                    // System.Text.Json binds the last of repeated keys.
                    var to = argument.EnumerateObject().Last(p => p.Name == "to").Value.GetString();
                    var target = Array.FindIndex(_members, m => m is not null && m.Id == to && m.Channel == self.Channel);
                    Assert.True(target >= 0 && target != c.Client, $"relayed to {to}, who is not another member of {self.Channel}");
                    _expectedSenders[target].Add(self.Id);
                    break;
                default:
                    Assert.True(self is not null, $"{c.Method} succeeded outside any channel");
                    break;
            }
        }

        private void Depart(int client)
        {
            if (_members[client] is { } old)
            {
                _departed.Add(old.Id);
            }
            _members[client] = null;
        }

        private void Count(string method, string outcome) => _outcomes.AddOrUpdate($"{method} {outcome}", 1, (_, n) => n + 1);

        private sealed record Membership(string Channel, string Id);

        [GeneratedRegex(@"HubException: ([a-z]+(?:-[a-z]+)*): ")]
        private static partial Regex CodedError();
    }
}
