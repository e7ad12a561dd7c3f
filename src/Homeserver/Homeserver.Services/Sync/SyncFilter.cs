using System.Text.Json;
using Homeserver.Core.Errors;
using Homeserver.Core.Json;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Sync;

/// <summary>
/// A client's <c>Filter</c> for /sync (filter.yaml): which rooms, and per section which events and how many.
/// Parsing validates the whole document (M_BAD_JSON naming the field), so a stored filter always parses again.
/// </summary>
public sealed record SyncFilter(
    IReadOnlyList<string>? Rooms,
    IReadOnlyList<string> NotRooms,
    bool IncludeLeave,
    RoomEventFilter Timeline,
    int TimelineLimit,
    RoomEventFilter State,
    RoomEventFilter RoomAccountData,
    RoomEventFilter AccountData)
{
    /// <summary>The room ephemeral filter (typing, later receipts).</summary>
    public RoomEventFilter Ephemeral { get; init; } = RoomEventFilter.None;

    /// <summary>The presence filter (types and senders of m.presence events) and its limit.</summary>
    public RoomEventFilter Presence { get; init; } = RoomEventFilter.None;

    public int? PresenceLimit { get; init; }

    /// <summary>The event fields to include (<c>event_fields</c>), or null for all of them.</summary>
    public IReadOnlyList<string>? EventFields { get; init; }

    public const int DefaultTimelineLimit = 10;
    public const int MaxTimelineLimit = 100;

    public static readonly SyncFilter None = new(null, [], false, RoomEventFilter.None, DefaultTimelineLimit,
        RoomEventFilter.None, RoomEventFilter.None, RoomEventFilter.None);

    /// <summary>Parses and validates a filter document; M_BAD_JSON when it is not a valid Filter.</summary>
    public static SyncFilter Parse(JsonElement root)
    {
        RequireObject(root, "filter");
        var eventFields = Strings(root, "event_fields", "event_fields");
        if (root.TryGetProperty("event_format", out var format) && format.ValueKind != JsonValueKind.Null &&
            (format.ValueKind != JsonValueKind.String || format.GetString() is not ("client" or "federation")))
        {
            throw Bad("event_format must be 'client' or 'federation'");
        }

        var presence = EventFilter(root, "presence", "presence");
        var accountData = EventFilter(root, "account_data", "account_data");
        if (!root.TryGetProperty("room", out var room) || room.ValueKind == JsonValueKind.Null)
        {
            return None with
            {
                AccountData = accountData.Filter, Presence = presence.Filter, PresenceLimit = presence.Limit,
                EventFields = eventFields,
            };
        }

        RequireObject(room, "room");
        var ephemeral = EventFilter(room, "ephemeral", "room.ephemeral");
        var timeline = EventFilter(room, "timeline", "room.timeline");
        var includeLeave = room.TryGetProperty("include_leave", out var leave) && leave.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw Bad("room.include_leave must be a boolean"),
        };
        return new SyncFilter(Strings(room, "rooms", "room.rooms"), Strings(room, "not_rooms", "room.not_rooms") ?? [],
            includeLeave, timeline.Filter, Math.Min(timeline.Limit ?? DefaultTimelineLimit, MaxTimelineLimit),
            EventFilter(room, "state", "room.state").Filter, EventFilter(room, "account_data", "room.account_data").Filter,
            accountData.Filter)
        {
            Ephemeral = ephemeral.Filter,
            Presence = presence.Filter,
            PresenceLimit = presence.Limit,
            EventFields = eventFields,
        };
    }

    /// <summary>Parses filter JSON text; M_NOT_JSON when it is not JSON at all.</summary>
    public static SyncFilter Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (JsonText.CheckStrings(json) is var error and not JsonTextError.None)
        {
            throw Bad($"The filter is invalid: {JsonText.Describe(error)}");
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement);
        }
        catch (JsonException)
        {
            throw new MatrixException(ErrorCode.NotJson, "The filter is not valid JSON");
        }
    }

    /// <summary>Whether the room passes <c>room.rooms</c> / <c>room.not_rooms</c>.</summary>
    public bool IncludesRoom(string roomId) =>
        !NotRooms.Contains(roomId, StringComparer.Ordinal) &&
        (Rooms is null || Rooms.Contains(roomId, StringComparer.Ordinal));

    private static (RoomEventFilter Filter, int? Limit) EventFilter(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return (RoomEventFilter.None, null);
        }

        RequireObject(value, path);
        Strings(value, "rooms", path + ".rooms");
        Strings(value, "not_rooms", path + ".not_rooms");
        int? limit = null;
        if (value.TryGetProperty("limit", out var limitValue) && limitValue.ValueKind != JsonValueKind.Null)
        {
            if (limitValue.ValueKind != JsonValueKind.Number || !limitValue.TryGetInt32(out var parsed) || parsed < 1)
            {
                throw Bad($"{path}.limit must be a positive integer");
            }

            limit = parsed;
        }

        try
        {
            return (RoomEventFilter.Parse(value.GetRawText()), limit);
        }
        catch (MatrixException e) when (e.Code == ErrorCode.InvalidParam)
        {
            throw Bad($"{path}: {e.Message}");
        }
    }

    private static List<string>? Strings(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            throw Bad($"{path} must be an array of strings");
        }

        return value.EnumerateArray().Select(v => v.GetString()!).ToList();
    }

    private static void RequireObject(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Bad($"{path} must be an object");
        }
    }

    private static MatrixException Bad(string message) => new(ErrorCode.BadJson, message);
}
