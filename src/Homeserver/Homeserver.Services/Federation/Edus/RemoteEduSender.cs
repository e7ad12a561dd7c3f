using System.Text.Json;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Federation.Edus;

/// <summary>
/// The checks shared by inbound EDUs: a user named in an EDU must belong to the server that sent it (origin), and for
/// room EDUs the room's ACL must allow that server and the user must be joined to the room as this server sees it.
/// </summary>
public sealed class RemoteEduSender(ServerAclGuard acl, IRoomEventReader rooms)
{
    public static bool IsOfOrigin(string? userId, ServerName origin) =>
        UserId.TryParse(userId, out var parsed, out _) && parsed.Domain == origin;

    /// <summary>Whether the origin may speak for the user in the room: its user, allowed by the ACL, joined.</summary>
    public async Task<bool> MaySpeakInRoomAsync(ServerName origin, string? userId, string? roomId,
        CancellationToken cancellationToken)
    {
        if (!IsOfOrigin(userId, origin) || !RoomId.TryParse(roomId, out var room, out _) ||
            !await acl.AllowsAsync(origin, room, cancellationToken))
        {
            return false;
        }

        return (await rooms.GetMembershipAsync(room.Value, userId!, cancellationToken))?.Membership == Memberships.Join;
    }

    public static string? StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) &&
        value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
