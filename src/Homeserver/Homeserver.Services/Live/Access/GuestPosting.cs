using Homeserver.Core.Errors;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Live.Access;

/// <summary>
/// What a guest may send (client-server API, "Guest access": <c>PUT /rooms/{roomId}/send/m.room.message/{txnId}</c>),
/// and where: rooms whose <c>m.room.guest_access</c> is <c>can_join</c>, the rooms guests may join. Any other event
/// type, and messages into other rooms, are 403 <c>M_GUEST_ACCESS_FORBIDDEN</c>.
/// </summary>
public static class GuestPosting
{
    public const string AllowedType = "m.room.message";

    /// <summary>Refuses any event type but <see cref="AllowedType"/> (before the room is even looked at).</summary>
    public static void EnsureTypeAllowed(string type)
    {
        if (!string.Equals(type, AllowedType, StringComparison.Ordinal))
        {
            throw new MatrixException(ErrorCode.GuestAccessForbidden, $"Guests may only send {AllowedType} events");
        }
    }

    /// <summary>Refuses unless the room, as of <paramref name="head"/> (decided under the room's lock), lets guests
    /// join.</summary>
    public static void EnsureRoomAllowsGuests(RoomHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        if (head.Get(MembershipService.GuestAccessType, "")?.ContentString("guest_access") != "can_join")
        {
            throw new MatrixException(ErrorCode.GuestAccessForbidden,
                "Guests may only post in rooms whose m.room.guest_access is can_join");
        }
    }
}
