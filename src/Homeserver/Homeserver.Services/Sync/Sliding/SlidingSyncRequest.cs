using System.Text.Json;
using Homeserver.Core.Errors;

namespace Homeserver.Services.Sync.Sliding;

/// <summary>What a room gets: its newest events and its state (MSC4186 "room config").</summary>
public sealed record SlidingRoomConfig(int TimelineLimit, RequiredStateSpec RequiredState)
{
    public static readonly SlidingRoomConfig None = new(0, RequiredStateSpec.None);

    /// <summary>The superset of two configs (a room matching several rules).</summary>
    public SlidingRoomConfig Union(SlidingRoomConfig other) =>
        new(Math.Max(TimelineLimit, other.TimelineLimit), RequiredState.Union(other.RequiredState));
}

/// <summary>A list: its filters, the windows of the filtered, sorted rooms it wants, and their room config.</summary>
public sealed record SlidingListConfig(IReadOnlyList<(int Start, int End)>? Ranges, SlidingRoomConfig Room,
    SlidingRoomFilter Filters);

/// <summary>The list filters (MSC4186 <c>SlidingRoomFilter</c>); a null field does not filter.</summary>
public sealed record SlidingRoomFilter(bool? IsDm, bool? IsInvite, bool? IsEncrypted, IReadOnlyList<string>? Spaces,
    IReadOnlyList<string?>? RoomTypes, IReadOnlyList<string?>? NotRoomTypes)
{
    public static readonly SlidingRoomFilter None = new(null, null, null, null, null, null);
}

/// <summary>One extension's request: enabled, and which lists and subscribed rooms it covers (<c>*</c>: all).</summary>
public sealed record SlidingExtensionConfig(bool Enabled, IReadOnlyList<string>? Lists, IReadOnlyList<string>? Rooms,
    string? Since)
{
    public static readonly SlidingExtensionConfig Off = new(false, null, null, null);
}

/// <summary>A parsed POST /sync body (MSC4186), with <c>pos</c> and <c>timeout</c> from the query when given there.</summary>
public sealed record SlidingSyncRequest(string ConnId, string? Pos, TimeSpan Timeout, string? TxnId,
    IReadOnlyDictionary<string, SlidingListConfig> Lists, IReadOnlyDictionary<string, SlidingRoomConfig> RoomSubscriptions,
    IReadOnlyList<string> UnsubscribeRooms, IReadOnlyDictionary<string, SlidingExtensionConfig> Extensions)
{
    /// <summary>Each room subscription's JSON as sent (kept with the connection).</summary>
    public IReadOnlyDictionary<string, string> SubscriptionJson { get; init; } = new Dictionary<string, string>();

    public const int MaxTimelineLimit = 100;
    private const int MaxLists = 100;
    private const int MaxRanges = 100;
    private const int MaxSubscriptions = 1000;
    private const int MaxConnIdLength = 200;

    public SlidingExtensionConfig Extension(string name) => Extensions.GetValueOrDefault(name, SlidingExtensionConfig.Off);

    /// <summary>Reads the body; <paramref name="queryPos"/> and <paramref name="queryTimeoutMs"/> (the query
    /// parameters clients still send) win over the body's fields.</summary>
    public static SlidingSyncRequest Parse(JsonElement body, string? queryPos, long? queryTimeoutMs, TimeSpan maxTimeout)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw Bad("The body must be a JSON object");
        }

        var pos = queryPos ?? OptionalString(body, "pos");
        var timeoutMs = queryTimeoutMs ?? (body.TryGetProperty("timeout", out var t) && t.ValueKind == JsonValueKind.Number
            ? t.TryGetInt64(out var ms) ? ms : throw Bad("timeout must be an integer") : 0);
        var timeout = TimeSpan.FromMilliseconds(Math.Clamp(timeoutMs, 0, (long)maxTimeout.TotalMilliseconds));
        var lists = new Dictionary<string, SlidingListConfig>(StringComparer.Ordinal);
        foreach (var (key, list) in Objects(body, "lists", MaxLists))
        {
            lists[key] = ParseList(list);
        }

        var subscriptions = new Dictionary<string, SlidingRoomConfig>(StringComparer.Ordinal);
        var subscriptionJson = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (roomId, subscription) in Objects(body, "room_subscriptions", MaxSubscriptions))
        {
            subscriptions[roomId] = ParseRoomConfig(subscription);
            subscriptionJson[roomId] = subscription.GetRawText();
        }

        var extensions = new Dictionary<string, SlidingExtensionConfig>(StringComparer.Ordinal);
        foreach (var (name, extension) in Objects(body, "extensions", MaxLists))
        {
            extensions[name] = new SlidingExtensionConfig(
                extension.TryGetProperty("enabled", out var e) && e.ValueKind == JsonValueKind.True,
                Strings(extension, "lists"), Strings(extension, "rooms"), OptionalString(extension, "since"));
        }

        var connId = OptionalString(body, "conn_id") ?? "";
        if (connId.Length > MaxConnIdLength || connId.Any(char.IsControl))
        {
            throw new MatrixException(ErrorCode.InvalidParam, "conn_id is too long or holds control characters");
        }

        return new SlidingSyncRequest(connId, pos, timeout, OptionalString(body, "txn_id"),
            lists, subscriptions, Strings(body, "unsubscribe_rooms") ?? [], extensions)
        {
            SubscriptionJson = subscriptionJson,
        };
    }

    private static SlidingListConfig ParseList(JsonElement list)
    {
        IReadOnlyList<(int, int)>? ranges = null;
        if (list.TryGetProperty("ranges", out var many) && many.ValueKind == JsonValueKind.Array)
        {
            ranges = many.GetArrayLength() <= MaxRanges
                ? many.EnumerateArray().Select(Range).ToList()
                : throw Bad("Too many ranges");
        }
        else if (list.TryGetProperty("range", out var one) && one.ValueKind != JsonValueKind.Null)
        {
            ranges = [Range(one)];
        }

        return new SlidingListConfig(ranges, ParseRoomConfig(list), ParseFilters(list));
    }

    private static (int, int) Range(JsonElement range)
    {
        if (range.ValueKind != JsonValueKind.Array || range.GetArrayLength() != 2 ||
            !range[0].TryGetInt64(out var start) || !range[1].TryGetInt64(out var end) || start < 0 || end < start)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "A range must be [start, end] with 0 <= start <= end");
        }

        return ((int)Math.Min(start, int.MaxValue), (int)Math.Min(end, int.MaxValue));
    }

    /// <summary>A room subscription as kept with the connection.</summary>
    public static SlidingRoomConfig ParseSubscription(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ParseRoomConfig(document.RootElement);
    }

    private static SlidingRoomConfig ParseRoomConfig(JsonElement config)
    {
        var limit = config.TryGetProperty("timeline_limit", out var l) && l.ValueKind != JsonValueKind.Null
            ? l.TryGetInt64(out var n) && n >= 0 ? (int)Math.Min(n, MaxTimelineLimit)
            : throw Bad("timeline_limit must be a non-negative integer")
            : 0;
        return new SlidingRoomConfig(limit,
            RequiredStateSpec.Parse(config.TryGetProperty("required_state", out var r) ? r : null));
    }

    private static SlidingRoomFilter ParseFilters(JsonElement list)
    {
        if (!list.TryGetProperty("filters", out var f) || f.ValueKind == JsonValueKind.Null)
        {
            return SlidingRoomFilter.None;
        }

        if (f.ValueKind != JsonValueKind.Object)
        {
            throw Bad("filters must be an object");
        }

        return new SlidingRoomFilter(OptionalBool(f, "is_dm"), OptionalBool(f, "is_invited") ?? OptionalBool(f, "is_invite"),
            OptionalBool(f, "is_encrypted"), Strings(f, "spaces"), NullableStrings(f, "room_types"),
            NullableStrings(f, "not_room_types"));
    }

    private static List<(string Key, JsonElement Value)> Objects(JsonElement body, string name, int max)
    {
        if (!body.TryGetProperty(name, out var map) || map.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (map.ValueKind != JsonValueKind.Object)
        {
            throw Bad($"{name} must be an object");
        }

        var entries = map.EnumerateObject().Select(p => p.Value.ValueKind == JsonValueKind.Object
            ? (p.Name, p.Value)
            : throw Bad($"Each entry of {name} must be an object")).ToList();
        return entries.Count <= max ? entries : throw Bad($"Too many entries in {name}");
    }

    private static string? OptionalString(JsonElement element, string name) =>
        !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw Bad($"{name} must be a string");

    private static bool? OptionalBool(JsonElement element, string name) =>
        !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw Bad($"{name} must be a boolean");

    private static List<string>? Strings(JsonElement element, string name) =>
        NullableStrings(element, name)?.Select(s => s ?? throw Bad($"{name} must hold strings")).ToList();

    private static List<string?>? NullableStrings(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > MaxSubscriptions)
        {
            throw Bad($"{name} must be a list");
        }

        return value.EnumerateArray().Select(v => v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Null => null,
            _ => throw Bad($"{name} must hold strings"),
        }).ToList();
    }

    private static MatrixException Bad(string message) => new(ErrorCode.BadJson, message);
}
