using System.Text.Json;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Accounts;

/// <summary>Reads the user a login or password stage names: <c>identifier</c> of type m.id.user, or the old <c>user</c> field.</summary>
public static class LoginIdentifier
{
    /// <returns>The local user meant, or null when none is named (or it is not a user ID of ours).</returns>
    public static UserId? ResolveUser(JsonElement body, ServerName serverName)
    {
        string? user = null;
        if (body.TryGetProperty("identifier", out var identifier) && identifier.ValueKind == JsonValueKind.Object)
        {
            if (identifier.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String &&
                type.GetString() == "m.id.user" &&
                identifier.TryGetProperty("user", out var u) && u.ValueKind == JsonValueKind.String)
            {
                user = u.GetString();
            }
        }
        else if (body.TryGetProperty("user", out var legacy) && legacy.ValueKind == JsonValueKind.String)
        {
            user = legacy.GetString();
        }

        if (string.IsNullOrEmpty(user))
        {
            return null;
        }

        // Clients may send any case; user IDs of this server are lower case.
        if (user.StartsWith('@'))
        {
            return UserId.TryParse(user, out var full, out _) && full.Domain == serverName
                ? UserId.TryParse("@" + full.Localpart.ToLowerInvariant() + ":" + serverName.Value, out var lowered, out _)
                    ? lowered
                    : full
                : null;
        }

        return UserId.TryCreate(user.ToLowerInvariant(), serverName, out var local, out _) ? local : null;
    }
}
