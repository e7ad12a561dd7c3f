namespace Homeserver.Fuzz.Generation;

/// <summary>
/// What one generated request is about: the random source, the requester, the other user, and the room whose real IDs
/// the request's parameters and body use. Identifier-like names (<c>roomId</c>, <c>event_id</c>...) map to those values.
/// </summary>
public sealed class RequestScope
{
    private int _serial;

    public RequestScope(Random random, FuzzContext context, int requester)
    {
        Random = random;
        Context = context;
        Requester = context.Sessions[requester];
        Other = context.Sessions[(requester + 1) % context.Sessions.Count];
        Room = context.Rooms[random.Next(context.Rooms.Count)];
    }

    public Random Random { get; }

    public FuzzContext Context { get; }

    public FuzzSession Requester { get; }

    public FuzzSession Other { get; }

    public FuzzRoom Room { get; }

    public T Pick<T>(IReadOnlyList<T> items) => items[Random.Next(items.Count)];

    public bool Chance(double probability) => Random.NextDouble() < probability;

    public string UserId() => Chance(0.7) ? Other.UserId : Requester.UserId;

    public string EventId() => Room.EventIds.Count == 0 ? "$missing" : Pick(Room.EventIds);

    public string DeviceId() => Chance(0.7) ? Requester.DeviceId : Other.DeviceId;

    public string RoomAlias() => Room.Alias ?? $"#fuzz:{Context.ServerName}";

    /// <summary>A fresh word, unique within the run for a given seed (transaction IDs, alias names, tags).</summary>
    public string Word(string prefix = "fz") => $"{prefix}{Random.Next(1_000_000):x}{Interlocked.Increment(ref _serial)}";

    /// <summary>A real value for a parameter or property known by name, or null when the name says nothing.</summary>
    public string? Named(string name) => name switch
    {
        "roomId" or "room_id" => Chance(0.95) || Context.ForeignRoomId is null ? Room.RoomId : Context.ForeignRoomId,
        "roomIdOrAlias" => Chance(0.7) ? Room.RoomId : RoomAlias(),
        "roomAlias" or "alias" => RoomAlias(),
        "eventId" or "event_id" => EventId(),
        "userId" or "user_id" or "userid" => UserId(),
        "deviceId" or "device_id" => DeviceId(),
        "serverName" or "server_name" or "server" => Context.ServerName,
        "filterId" => Context.FilterIds.Count == 0 ? "0" : Pick(Context.FilterIds),
        "txnId" => Word("txn"),
        "eventType" => Pick(["m.room.message", "m.room.name", "m.room.topic", "m.reaction", "org.fuzz.custom",
            "m.room.member", "m.room.power_levels", "m.room.redaction"]),
        "stateKey" => Chance(0.5) ? "" : UserId(),
        "relType" => Pick(["m.annotation", "m.thread", "m.reference", "m.replace"]),
        "tag" => Pick(["m.favourite", "m.lowpriority", "u.fuzz"]),
        "type" => Pick(["m.direct", "m.fully_read", "org.fuzz.data", "m.push_rules", "m.ignored_user_list"]),
        "kind" => Pick(["override", "underride", "sender", "room", "content"]),
        "ruleId" => Pick([".m.rule.master", ".m.rule.contains_user_name", "fuzzrule", ".m.rule.message"]),
        "receiptType" => Pick(["m.read", "m.read.private", "m.fully_read"]),
        "version" => Context.KeyBackupVersion ?? "1",
        "from" or "to" or "since" or "next_batch" => Token(),
        "limit" => Random.Next(1, 30).ToString(System.Globalization.CultureInfo.InvariantCulture),
        "timeout" or "timeout_ms" => Random.Next(0, 200).ToString(System.Globalization.CultureInfo.InvariantCulture),
        "dir" => Chance(0.5) ? "b" : "f",
        "filter" => Chance(0.5) && Context.FilterIds.Count > 0 ? Pick(Context.FilterIds)
            : """{"room":{"timeline":{"limit":5}}}""",
        "via" => Context.ServerName,
        _ => null,
    };

    private string Token()
    {
        var tokens = Chance(0.5) ? Context.SyncTokens : Context.PaginationTokens;
        return tokens.Count == 0 ? "s0" : Pick(tokens);
    }
}
