using System.Text.Json.Nodes;
using Homeserver.Core.Events;

namespace Homeserver.Services.Accounts;

/// <summary>What the requester may do here, as <c>GET /capabilities</c> tells clients.</summary>
public static class Capabilities
{
    /// <param name="forgetForcedUponLeave">Leaving forgets the room (MSC4267, Rooms:ForgetRoomsOnLeave).</param>
    public static JsonObject For(Requester requester, bool forgetForcedUponLeave = false)
    {
        ArgumentNullException.ThrowIfNull(requester);
        // Guests have no password and may only change their display name (see ProfileService).
        var member = !requester.IsGuest;
        var available = new JsonObject();
        foreach (var version in RoomVersions.All)
        {
            available[version.Id] = version.IsStable ? "stable" : "unstable";
        }

        var profileFields = new JsonObject { ["enabled"] = true };
        if (!member)
        {
            profileFields["allowed"] = new JsonArray(
                ProfileService.GuestWritableFields.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
        }

        return new JsonObject
        {
            ["m.change_password"] = Enabled(member),
            ["m.room_versions"] = new JsonObject
            {
                ["default"] = RoomVersions.Default.Id,
                ["available"] = available,
            },
            ["m.set_displayname"] = Enabled(true),
            ["m.set_avatar_url"] = Enabled(member),
            ["m.3pid_changes"] = Enabled(false),
            ["m.get_login_token"] = Enabled(member),
            ["m.profile_fields"] = profileFields,
            ["m.forget_forced_upon_leave"] = Enabled(forgetForcedUponLeave),
            ["org.matrix.msc4267.forget_forced_upon_leave"] = Enabled(forgetForcedUponLeave),
        };
    }

    private static JsonObject Enabled(bool enabled) => new() { ["enabled"] = enabled };
}
