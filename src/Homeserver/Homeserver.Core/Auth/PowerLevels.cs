using System.Globalization;
using System.Text.Json;
using Homeserver.Core.Events;

namespace Homeserver.Core.Auth;

/// <summary>
/// The content of <c>m.room.power_levels</c> with the spec's defaults. Before room version 10 a level may
/// be a string holding an integer; from version 10 only integers count.
/// </summary>
public sealed class PowerLevels
{
    /// <summary>The level of room creators in version 12: higher than any level an event can hold.</summary>
    public const long Infinite = long.MaxValue;

    public const long DefaultBan = 50;
    public const long DefaultKick = 50;
    public const long DefaultRedact = 50;
    public const long DefaultInvite = 0;
    public const long DefaultState = 50;

    /// <summary>The names of the single-value levels the auth rules compare.</summary>
    public static readonly string[] SingleLevelKeys =
        ["users_default", "events_default", "state_default", "ban", "redact", "kick", "invite"];

    private PowerLevels(Dictionary<string, long> values, Dictionary<string, long> users, Dictionary<string, long> events,
        Dictionary<string, long> notifications, bool fromEvent)
    {
        Values = values;
        Users = users;
        Events = events;
        Notifications = notifications;
        FromEvent = fromEvent;
    }

    /// <summary>The single levels explicitly present (users_default, ban, ...).</summary>
    public IReadOnlyDictionary<string, long> Values { get; }

    public IReadOnlyDictionary<string, long> Users { get; }

    public IReadOnlyDictionary<string, long> Events { get; }

    public IReadOnlyDictionary<string, long> Notifications { get; }

    /// <summary>False when the room has no power levels event and these are the no-event defaults.</summary>
    public bool FromEvent { get; }

    public long UsersDefault => Values.GetValueOrDefault("users_default", 0);

    public long EventsDefault => Values.GetValueOrDefault("events_default", 0);

    /// <summary>50 when unspecified, with or without a power levels event (the power levels event schema).</summary>
    public long StateDefault => Values.GetValueOrDefault("state_default", DefaultState);

    public long Ban => Values.GetValueOrDefault("ban", DefaultBan);

    public long Kick => Values.GetValueOrDefault("kick", DefaultKick);

    public long Redact => Values.GetValueOrDefault("redact", DefaultRedact);

    public long Invite => Values.GetValueOrDefault("invite", DefaultInvite);

    /// <summary>The level needed to send an event of the type (state or not).</summary>
    public long RequiredFor(string type, bool isState) =>
        Events.TryGetValue(type, out var level) ? level : isState ? StateDefault : EventsDefault;

    /// <summary>The level of a user listed in <c>users</c>, or <c>users_default</c>.</summary>
    public long UserLevel(string userId) => Users.TryGetValue(userId, out var level) ? level : UsersDefault;

    /// <summary>The level for a notification kind (<c>room</c> defaults to 50).</summary>
    public long NotificationLevel(string kind) =>
        Notifications.TryGetValue(kind, out var level) ? level : kind == "room" ? 50 : 0;

    public static PowerLevels Empty { get; } = new([], [], [], [], fromEvent: false);

    /// <summary>Reads a power levels event leniently: values that are not levels are ignored.</summary>
    public static PowerLevels FromContent(JsonElement content, RoomVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var values = new Dictionary<string, long>();
        var users = new Dictionary<string, long>();
        var events = new Dictionary<string, long>();
        var notifications = new Dictionary<string, long>();
        if (content.ValueKind == JsonValueKind.Object)
        {
            foreach (var key in SingleLevelKeys)
            {
                if (content.TryGetProperty(key, out var value) && TryReadLevel(value, version, out var level))
                {
                    values[key] = level;
                }
            }

            ReadMap(content, "users", version, users);
            ReadMap(content, "events", version, events);
            ReadMap(content, "notifications", version, notifications);
        }

        return new PowerLevels(values, users, events, notifications, fromEvent: true);
    }

    /// <summary>
    /// Reads a level: an integer, in room versions 1 to 5 also a float (truncated), and before room
    /// version 10 also a string holding an integer (the spec's "stringy" levels; leading/trailing
    /// whitespace and a sign are accepted as Python's int() does).
    /// </summary>
    public static bool TryReadLevel(JsonElement value, RoomVersion version, out long level)
    {
        ArgumentNullException.ThrowIfNull(version);
        level = 0;
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when value.TryGetInt64(out level):
                return true;
            case JsonValueKind.Number when !version.StrictCanonicalJson && value.TryGetDouble(out var number):
                // Versions 1 to 5 ("floaty" levels): truncated toward zero like Python's int(), which
                // Synapse applies; integers beyond a long are clamped.
                level = number >= long.MaxValue ? long.MaxValue
                    : number <= long.MinValue ? long.MinValue
                    : (long)Math.Truncate(number);
                return true;
            case JsonValueKind.String when !version.IntegerOnlyPowerLevels:
                return long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite |
                    NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out level);
            default:
                return false;
        }
    }

    private static void ReadMap(JsonElement content, string name, RoomVersion version, Dictionary<string, long> into)
    {
        if (!content.TryGetProperty(name, out var map) || map.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var entry in map.EnumerateObject())
        {
            if (TryReadLevel(entry.Value, version, out var level))
            {
                into[entry.Name] = level;
            }
        }
    }
}
