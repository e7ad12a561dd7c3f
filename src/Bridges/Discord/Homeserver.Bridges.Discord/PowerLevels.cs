using System.Text.Json;

namespace Homeserver.Bridges.Discord;

/// <summary>
/// Who may send state events, from a room's state (the answer of GET /rooms/{roomId}/state). Spec: m.room.power_levels
/// (<c>state_default</c> 50, 0 when the room has no power levels event; <c>users_default</c> 0), and in room version 12
/// the creators (the create event's sender and <c>additional_creators</c>) outrank everyone.
/// </summary>
public static class PowerLevels
{
    public static bool MaySendState(JsonElement state, string userId)
    {
        if (state.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        JsonElement? create = null, powerLevels = null;
        foreach (var stateEvent in state.EnumerateArray())
        {
            if (stateEvent.ValueKind != JsonValueKind.Object || String(stateEvent, "state_key") != "")
            {
                continue;
            }

            switch (String(stateEvent, "type"))
            {
                case "m.room.create":
                    create = stateEvent;
                    break;
                case "m.room.power_levels":
                    powerLevels = stateEvent;
                    break;
            }
        }

        if (create is { } createEvent && CreatorsOutrank(createEvent) && IsCreator(createEvent, userId))
        {
            return true;
        }

        if (powerLevels is not { } levels || !levels.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        var userLevel = content.TryGetProperty("users", out var users) && users.ValueKind == JsonValueKind.Object &&
                        users.TryGetProperty(userId, out var own)
            ? Level(own)
            : content.TryGetProperty("users_default", out var usersDefault) ? Level(usersDefault) : 0;
        var required = content.TryGetProperty("state_default", out var stateDefault) ? Level(stateDefault) : 50;
        return userLevel >= required;
    }

    private static bool CreatorsOutrank(JsonElement create) =>
        create.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Object &&
        String(content, "room_version") is "12";

    private static bool IsCreator(JsonElement create, string userId) =>
        String(create, "sender") == userId ||
        (create.TryGetProperty("content", out var content) && content.TryGetProperty("additional_creators", out var more) &&
         more.ValueKind == JsonValueKind.Array && more.EnumerateArray().Any(c => c.ValueKind == JsonValueKind.String && c.GetString() == userId));

    private static long Level(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var number) => number,
        JsonValueKind.String when long.TryParse(value.GetString(), System.Globalization.NumberStyles.AllowLeadingSign,
            System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => 0,
    };

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
