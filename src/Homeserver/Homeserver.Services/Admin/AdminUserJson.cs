using System.Text.Json.Nodes;

namespace Homeserver.Services.Admin;

/// <summary>The user objects of Synapse's admin API: the list's items and the full query answer.</summary>
public static class AdminUserJson
{
    /// <summary>An item of <c>GET /v2/users</c>; <c>creation_ts</c> in milliseconds there.</summary>
    public static JsonObject ListItem(AdminUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new JsonObject
        {
            ["name"] = user.Name,
            ["is_guest"] = user.IsGuest,
            ["admin"] = user.Admin,
            ["user_type"] = user.UserType,
            ["deactivated"] = user.Deactivated,
            ["erased"] = user.Erased,
            ["shadow_banned"] = user.ShadowBanned,
            ["displayname"] = user.DisplayName,
            ["avatar_url"] = user.AvatarUrl,
            ["creation_ts"] = user.CreatedTs,
            ["last_seen_ts"] = user.LastSeenTs,
            ["locked"] = user.Locked,
        };
    }

    /// <summary><c>GET /v2/users/{userId}</c>: <c>creation_ts</c> in seconds, as Synapse stores it. No third-party
    /// identifiers, external IDs, appservice or consent are kept here: those are empty or null.</summary>
    public static JsonObject Full(AdminUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new JsonObject
        {
            ["name"] = user.Name,
            ["displayname"] = user.DisplayName,
            ["threepids"] = new JsonArray(),
            ["avatar_url"] = user.AvatarUrl,
            ["is_guest"] = user.IsGuest,
            ["admin"] = user.Admin,
            ["deactivated"] = user.Deactivated,
            ["erased"] = user.Erased,
            ["shadow_banned"] = user.ShadowBanned,
            ["creation_ts"] = user.CreatedTs / 1000,
            ["last_seen_ts"] = user.LastSeenTs,
            ["appservice_id"] = null,
            ["consent_server_notice_sent"] = null,
            ["consent_version"] = null,
            ["consent_ts"] = null,
            ["external_ids"] = new JsonArray(),
            ["user_type"] = user.UserType,
            ["locked"] = user.Locked,
            ["suspended"] = user.Suspended,
        };
    }
}
