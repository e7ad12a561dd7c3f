using System.Text.Json;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;

namespace Homeserver.Core.Auth;

/// <summary>The <c>m.room.power_levels</c> rules (rule 10 in version 12).</summary>
internal static class PowerLevelRules
{
    public static AuthResult Authorize(Pdu pdu, AuthState state, long senderLevel)
    {
        var version = pdu.Version;
        var content = pdu.Content;
        var shape = CheckShape(content, version);
        if (!shape.IsAllowed)
        {
            return shape;
        }

        var proposed = PowerLevels.FromContent(content, version);
        if (version.CreatorsHaveInfinitePower && state.Creators.FirstOrDefault(proposed.Users.ContainsKey) is { } creator)
        {
            return AuthResult.Reject($"room creator {creator} cannot be given a power level");
        }

        if (state.PowerLevelsEvent is null)
        {
            return AuthResult.Allow("the room's first power levels event");
        }

        var current = state.PowerLevels;
        foreach (var key in PowerLevels.SingleLevelKeys)
        {
            var before = current.Values.TryGetValue(key, out var b) ? b : (long?)null;
            var after = proposed.Values.TryGetValue(key, out var a) ? a : (long?)null;
            if (before == after)
            {
                continue;
            }

            if (before > senderLevel || after > senderLevel)
            {
                return AuthResult.Reject($"changing {key} needs a power level of at least its old and new values");
            }
        }

        var events = CheckMapChanges("events", current.Events, proposed.Events, senderLevel);
        if (!events.IsAllowed)
        {
            return events;
        }

        if (version.ChecksNotificationsPowerLevels)
        {
            var notifications = CheckMapChanges("notifications", current.Notifications, proposed.Notifications,
                senderLevel);
            if (!notifications.IsAllowed)
            {
                return notifications;
            }
        }

        foreach (var (user, before) in current.Users)
        {
            var changed = !proposed.Users.TryGetValue(user, out var after) || after != before;
            if (changed && user != pdu.Sender && before >= senderLevel)
            {
                return AuthResult.Reject($"cannot change the level of {user}, who is not below the sender");
            }
        }

        foreach (var (user, after) in proposed.Users)
        {
            var changed = !current.Users.TryGetValue(user, out var before) || after != before;
            if (changed && after > senderLevel)
            {
                return AuthResult.Reject($"cannot give {user} a level above the sender's");
            }
        }

        return AuthResult.Allow("the power level changes are within the sender's level");
    }

    private static AuthResult CheckMapChanges(string name, IReadOnlyDictionary<string, long> current,
        IReadOnlyDictionary<string, long> proposed, long senderLevel)
    {
        foreach (var (key, before) in current)
        {
            var changed = !proposed.TryGetValue(key, out var after) || after != before;
            if (changed && before > senderLevel)
            {
                return AuthResult.Reject($"cannot change {name}.{key}, which is above the sender's level");
            }
        }

        foreach (var (key, after) in proposed)
        {
            var changed = !current.TryGetValue(key, out var before) || after != before;
            if (changed && after > senderLevel)
            {
                return AuthResult.Reject($"cannot set {name}.{key} above the sender's level");
            }
        }

        return AuthResult.Allow("");
    }

    /// <summary>Rules 10.1 to 10.3: the types of the values (integers only from version 10).</summary>
    private static AuthResult CheckShape(JsonElement content, RoomVersion version)
    {
        if (version.IntegerOnlyPowerLevels)
        {
            foreach (var key in PowerLevels.SingleLevelKeys)
            {
                if (content.TryGetProperty(key, out var value) && !IsInteger(value))
                {
                    return AuthResult.Reject($"{key} must be an integer");
                }
            }

            foreach (var map in new[] { "events", "notifications" })
            {
                if (content.TryGetProperty(map, out var value) &&
                    (value.ValueKind != JsonValueKind.Object || value.EnumerateObject().Any(e => !IsInteger(e.Value))))
                {
                    return AuthResult.Reject($"{map} must be an object of integers");
                }
            }
        }

        if (content.TryGetProperty("users", out var users))
        {
            if (users.ValueKind != JsonValueKind.Object)
            {
                return AuthResult.Reject("users must be an object");
            }

            foreach (var entry in users.EnumerateObject())
            {
                if (!UserId.TryParse(entry.Name, out _, out _))
                {
                    return AuthResult.Reject($"users key '{entry.Name}' is not a user ID");
                }

                if (!PowerLevels.TryReadLevel(entry.Value, version, out _))
                {
                    return AuthResult.Reject($"the level of {entry.Name} is not an integer");
                }
            }
        }

        return AuthResult.Allow("");
    }

    private static bool IsInteger(JsonElement value) => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _);
}
