using FsCheck;
using FsCheck.Fluent;
using static Walkie.Server.Tests.Integration.FuzzJson;

namespace Walkie.Server.Tests.Integration;

/// <summary>One hub call by one of the fuzzed clients. Usually one argument; SignalR itself refuses zero or two.</summary>
internal sealed record HubCase(int Client, string Method, FuzzJson[] Arguments)
{
    public override string ToString() => $"fuzzed client {Client}: {Method}({string.Join(", ", Arguments.AsEnumerable())})";
}

/// <summary>
/// Hub calls whose arguments are mostly well-shaped objects, with every field drawn from valid values, values of the
/// wrong JSON type and edge-case text. Static fields are in dependency order: each uses only those above it.
/// </summary>
internal static class HubInputGenerators
{
    public const int FuzzedClients = 4;

    /// <summary>Kept well below the server's 64 KiB MaxMessageBytes, over which SignalR rightly drops the connection.</summary>
    private const int MaxWireBytes = 56 * 1024;

    private const string Sdp = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
    private const string IceCandidate = "candidate:1 1 udp 2122260223 192.168.1.2 50000 typ host generation 0";

    private static readonly Gen<FuzzJson> Scalar = Gen.Elements<FuzzJson>(
        [.. new[] { "0", "-1", "1.5", "-0", "1e308", "1e400", "9007199254740993", "true", "false", "null" }.Select(j => new Raw(j))]);

    private static readonly Gen<FuzzJson> WrongType = Gen.Frequency(
        (4, Scalar),
        (1, Gen.Constant<FuzzJson>(new Arr([]))),
        (1, Gen.Constant<FuzzJson>(new Obj([]))),
        (2, Nested(3)));

    private static readonly Gen<FuzzJson> AnyValue = Gen.Frequency(
        (2, FuzzText.Edge.Select(s => (FuzzJson)new Str(s))),
        (2, WrongType),
        (1, Gen.Elements("offer", "fuzz", "Ann", "p1").Select(s => (FuzzJson)new Str(s))));

    // Real field names again (so keys repeat), other casings, and names that mean something to some JSON libraries.
    private static readonly Gen<string> ExtraKey = Gen.Frequency(
        (3, Gen.Elements("to", "channel", "name", "passcode", "description", "candidate", "type", "sdp",
            "To", "CHANNEL", "Name", "extra", "", "$id", "$ref", "$type", "$values", "__proto__", "constructor")),
        (1, Gen.Elements(FuzzText.Exotic)));

    private static readonly Gen<(string, FuzzJson)[]> ExtraFields = Gen.Frequency(
        (6, Gen.Constant(Array.Empty<(string, FuzzJson)>())),
        (2, Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(Gen.Zip(ExtraKey, AnyValue), n))));

    private static readonly Gen<FuzzJson> NonObject = Gen.Frequency(
        (2, Scalar),
        (1, FuzzText.Edge.Select(s => (FuzzJson)new Str(s))),
        (1, Gen.Constant<FuzzJson>(new Arr([new Raw("1"), new Raw("2")]))),
        (1, Gen.Constant<FuzzJson>(new Arr([new Obj([])]))));

    private static readonly Gen<FuzzJson> Empty = ObjectOf();

    private static readonly Gen<FuzzJson> Join = Gen.Frequency(
        // A valid join back into "fuzz" keeps the fuzzed clients meeting each other after they wander off.
        (2, Gen.Elements<FuzzJson>(
            new Obj([("channel", new Str("fuzz")), ("name", new Str("Fuzzer"))]),
            new Obj([("channel", new Str("fuzz")), ("name", new Str("Fuzzer")), ("passcode", new Str("p1"))]))),
        (3, ObjectOf(
            ("channel", Field(Text(
                Gen.Frequency(
                    (10, Gen.Elements("fuzz", "fuzz", "Fuzz", "FUZZ", "other", "Other", "outside", "OUTSIDE")),
                    (2, Gen.Elements("", " fuzz", "fuzz ", "fu zz", "fuzz\n", "ｆｕｚｚ", "fuzz/other", "fuzz.other", new string('c', 65))),
                    (1, Gen.Elements("a", "x_-1", "fuzz-2", new string('c', 64))))))),
            ("name", Field(Text(Gen.Elements("Ann", "Bob", "Zoë", "Cy 🎙️", "  Dee  ", "日本", "ǅemal", "Ann 2", new string('n', 32))))),
            ("passcode", Field(Text(Gen.Elements("p1", "secret", "", new string('p', 128), new string('p', 129))), absentWeight: 4)))));

    private static readonly Gen<FuzzJson> To = Gen.Frequency(
        (6, Ids(Who.Fuzzed, IdVariant.Exact)),
        (2, Ids(Who.Outsider, IdVariant.Exact)),
        (1, Ids(Who.Self, IdVariant.Exact)),
        (1, Ids(Who.Departed, IdVariant.Exact)),
        (2, from who in Gen.Elements(Who.Fuzzed, Who.Outsider, Who.Self)
            from variant in Gen.Elements(IdVariant.Upper, IdVariant.LeadingSpace, IdVariant.TrailingSpace, IdVariant.Truncated, IdVariant.Extended)
            from ids in Ids(who, variant)
            select ids),
        (1, Gen.ArrayOf(Gen.Elements("0123456789abcdef".ToCharArray()), 18).Select(hex => (FuzzJson)new Str("p-" + new string(hex)))));

    private static readonly Gen<FuzzJson> Description = ObjectOf(
        ("type", Field(Text(Gen.Frequency(
            (8, Gen.Elements("offer", "answer", "pranswer", "rollback")),
            (2, Gen.Elements("OFFER", "Offer", " offer", "offer\0", "rollback ", "bogus", "")))))),
        ("sdp", Field(Text(Gen.Elements(Sdp, "", "v=0")), absentWeight: 2)));

    private static readonly Gen<FuzzJson> Candidate = ObjectOf(
        ("candidate", Field(Text(Gen.Elements(IceCandidate, "", "candidate:1")))),
        ("sdpMid", Field(Text(Gen.Elements("0", "1", "audio")), absentWeight: 3)),
        ("sdpMLineIndex", Gen.Frequency(
            (6, Gen.Elements("0", "1", "7").Select(j => (FuzzJson?)new Raw(j))),
            (3, Gen.Elements("-1", "65535", "65536", "2147483647", "2147483648", "-2147483649", "1.0", "1.5", "1e3", "-0", "1e400")
                .Select(j => (FuzzJson?)new Raw(j))),
            (2, Gen.Elements<FuzzJson?>(new Str("0"), new Raw("null"), new Arr([new Raw("0")]))),
            (3, Gen.Constant<FuzzJson?>(null)))),
        ("usernameFragment", Field(Text(Gen.Elements("abcd", "Zz9+/")), absentWeight: 3)));

    private static readonly Gen<(string, FuzzJson)> ValidPayload = Gen.OneOf(
        from type in Gen.Elements("offer", "answer", "pranswer", "rollback")
        from sdp in Gen.Elements(Sdp, "", "v=0", "Zoë \u202E 🎙️")
        select ("description", (FuzzJson)new Obj([("type", new Str(type)), ("sdp", new Str(sdp))])),
        from candidate in Gen.Elements(IceCandidate, "")
        from index in Gen.Choose(0, 3)
        select ("candidate", (FuzzJson)new Obj([("candidate", new Str(candidate)), ("sdpMid", new Str("0")), ("sdpMLineIndex", new Raw($"{index}"))])));

    private static readonly Gen<FuzzJson> Signal = Gen.Frequency(
        (4, from to in Ids(Who.Fuzzed, IdVariant.Exact)
            from payload in ValidPayload
            select (FuzzJson)new Obj([("to", to), payload])),
        (9, ObjectOf(("to", Field(To)), ("description", Field(Description, absentWeight: 0)))),
        (9, ObjectOf(("to", Field(To)), ("candidate", Field(Candidate, absentWeight: 0)))),
        (1, ObjectOf(("to", Field(To)), ("description", Field(Description)), ("candidate", Field(Candidate)))),
        (1, ObjectOf(("to", Field(To)))));

    public static readonly Gen<HubCase> Case =
        (from client in Gen.Choose(0, FuzzedClients - 1)
         from call in Gen.Frequency(
             (6, Call("Join", Join)),
             (12, Call("Signal", Signal)),
             (1, Call("Leave", Empty)),
             (3, Call("RequestFloor", Empty)),
             (3, Call("ReleaseFloor", Empty)),
             (2, Call("RefreshIceServers", Empty)))
         select new HubCase(client, call.Method, call.Arguments))
        .Where(c => WireBytes(c.Method, c.Arguments) < MaxWireBytes);

    /// <summary>A valid signal from client 0 or 1 to an id that is not another member of their channel.</summary>
    public static readonly Gen<HubCase> ForeignSignal =
        from client in Gen.Choose(0, 1)
        from to in Gen.Frequency(
            (3, AnyVariant(Who.Outsider)),
            (3, AnyVariant(Who.Stranger)),
            (2, AnyVariant(Who.Departed)),
            (1, AnyVariant(Who.Self)),
            (2, from variant in Gen.Elements(IdVariant.Upper, IdVariant.LeadingSpace, IdVariant.TrailingSpace, IdVariant.Truncated, IdVariant.Extended)
                from ids in Ids(Who.Fuzzed, variant)
                select ids),
            (1, FuzzText.Edge.Where(s => s.Length is > 0 and < 1000).Select(s => (FuzzJson)new Str(s))))
        from payload in ValidPayload
        select new HubCase(client, "Signal", [new Obj([("to", to), payload])]);

    private static Gen<FuzzJson> Nested(int depth) => depth == 0
        ? Scalar
        : Gen.Frequency(
            (3, Scalar),
            (1, Gen.Elements(FuzzText.Exotic).Select(s => (FuzzJson)new Str(s))),
            (1, Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Nested(depth - 1), n)).Select(items => (FuzzJson)new Arr(items))),
            (1, Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Gen.Zip(Gen.Elements(FuzzText.Exotic), Nested(depth - 1)), n))
                .Select(fields => (FuzzJson)new Obj(fields))));

    private static Gen<FuzzJson> Text(Gen<string> strings) => strings.Select(s => (FuzzJson)new Str(s));

    private static Gen<FuzzJson> Ids(Who who, IdVariant variant) =>
        Gen.Choose(0, who == Who.Fuzzed ? FuzzedClients - 1 : 63).Select(i => (FuzzJson)new Ref(new Target(who, i, variant)));

    private static Gen<FuzzJson> AnyVariant(Who who) =>
        Gen.Elements(Enum.GetValues<IdVariant>()).SelectMany(variant => Ids(who, variant));

    /// <summary>A field that is usually valid, else edge-case text, else of the wrong JSON type, else absent (null).</summary>
    private static Gen<FuzzJson?> Field(Gen<FuzzJson> valid, int absentWeight = 1)
    {
        var choices = new List<(int, Gen<FuzzJson?>)>
        {
            (12, valid.Select(v => (FuzzJson?)v)),
            (3, FuzzText.Edge.Select(s => (FuzzJson?)new Str(s))),
            (2, WrongType.Select(v => (FuzzJson?)v)),
        };
        if (absentWeight > 0)
        {
            choices.Add((absentWeight, Gen.Constant<FuzzJson?>(null)));
        }
        return Gen.Frequency(choices);
    }

    /// <summary>The given fields (absent ones left out), sometimes extra or repeated keys, sometimes in shuffled order.</summary>
    private static Gen<FuzzJson> ObjectOf(params (string Key, Gen<FuzzJson?> Value)[] fields) =>
        from values in Gen.CollectToArray(fields.Select(f => f.Value))
        from extras in ExtraFields
        let present = fields.Zip(values)
            .Where(p => p.Second is not null)
            .Select(p => (p.First.Key, p.Second!))
            .Concat(extras)
            .ToArray()
        from ordered in Gen.Frequency((4, Gen.Constant(present)), (1, Gen.Shuffle(present)))
        select (FuzzJson)new Obj(ordered);

    private static Gen<(string Method, FuzzJson[] Arguments)> Call(string method, Gen<FuzzJson> wellShaped) =>
        Gen.Frequency(
            (40, wellShaped.Select(a => new[] { a })),
            (4, NonObject.Select(a => new[] { a })),
            (1, Gen.Constant(Array.Empty<FuzzJson>())),
            (1, from a in wellShaped from b in Gen.OneOf(wellShaped, NonObject) select new[] { a, b }))
        .Select(arguments => (method, arguments));
}
