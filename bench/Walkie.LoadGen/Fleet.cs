using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Walkie.LoadGen;

internal sealed class Member(HubConnection connection, Room room)
{
    public HubConnection Connection { get; } = connection;
    public Room Room { get; } = room;
    public string Id { get; set; } = "";
}

/// <summary>The press being measured in a room: who should become holder, and when the press started.</summary>
internal sealed record Press(string HolderId, long Start);

internal sealed class Room(string name)
{
    public string Name { get; } = name;
    public List<Member> Members { get; } = [];
    public volatile Press? Press;
    public int Busy;
}

/// <summary>Many real SignalR clients, joined in rooms, with handlers that time the events they receive.</summary>
internal sealed class Fleet(IReadOnlyList<Uri> hubs, int roomSize)
{
    public List<Room> Rooms { get; } = [];
    public Samples FanOut { get; set; } = new();
    public Samples Relay { get; set; } = new();
    public int Count => Rooms.Sum(r => r.Members.Count);

    public async Task GrowTo(int target, int parallel = 64)
    {
        var gate = new SemaphoreSlim(parallel);
        var tasks = new List<Task>();
        for (var i = Count; i < target; i++)
        {
            if (Rooms.Count == 0 || Rooms[^1].Members.Count == roomSize)
            {
                Rooms.Add(new Room($"bench-{Rooms.Count}"));
            }
            var room = Rooms[^1];
            var member = new Member(Connect(hubs[room.Members.Count % hubs.Count]), room);
            room.Members.Add(member);
            await gate.WaitAsync();
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    await Join(member);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        await Task.WhenAll(tasks);
    }

    private static HubConnection Connect(Uri hub)
    {
        // Each .NET HubConnection has its own HttpClient, whose idle negotiate connection would hold a second socket
        // per client on the server for two minutes (browsers share one). WebSockets without negotiate uses one.
        var connection = new HubConnectionBuilder()
            .WithUrl(hub, o =>
            {
                o.SkipNegotiation = true;
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
            })
            .Build();
        connection.KeepAliveInterval = TimeSpan.FromSeconds(5); // Walkie drops clients silent for 10 s.
        connection.ServerTimeout = TimeSpan.FromSeconds(60);
        return connection;
    }

    private async Task Join(Member member)
    {
        var c = member.Connection;
        c.On<JsonElement>("FloorChanged", floor =>
        {
            var press = member.Room.Press;
            if (press is not null && member.Id != press.HolderId
                && floor.GetProperty("holder") is { ValueKind: JsonValueKind.Object } holder
                && holder.GetProperty("id").GetString() == press.HolderId)
            {
                FanOut.Add(Samples.Since(press.Start));
            }
        });
        c.On<JsonElement>("Signal", signal =>
        {
            // The sender put its Stopwatch timestamp in usernameFragment.
            if (signal.TryGetProperty("candidate", out var candidate) && long.TryParse(candidate.GetProperty("usernameFragment").GetString(), out var sent))
            {
                Relay.Add(Samples.Since(sent));
            }
        });
        await c.StartAsync();
        var joined = await c.InvokeAsync<JsonElement>("Join", new { channel = member.Room.Name, name = "bench" });
        member.Id = joined.GetProperty("self").GetProperty("id").GetString()!;
    }

    public async Task DisposeAsync()
    {
        foreach (var chunk in Rooms.SelectMany(r => r.Members).Chunk(500))
        {
            await Task.WhenAll(chunk.Select(m => m.Connection.DisposeAsync().AsTask()));
        }
    }

    public static long Now() => Stopwatch.GetTimestamp();
}
