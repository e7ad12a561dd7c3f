using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Rooms;

/// <summary>
/// Membership handshakes with the servers of rooms this server has no joined user in (server-server API, "Joining
/// Rooms", "Leaving Rooms", "Knocking", "Inviting to a room"): the federation client's side.
/// </summary>
public interface IRemoteMembership
{
    /// <summary>make_join/send_join through the first of <paramref name="servers"/> that works; the room is stored
    /// here after (<see cref="RoomWriter.JoinFromRemoteAsync"/>).</summary>
    Task JoinAsync(UserId user, RoomId roomId, IReadOnlyList<ServerName> servers, JsonObject content,
        CancellationToken cancellationToken);

    /// <summary>make_leave/send_leave (rejecting an invite, withdrawing a knock); the leave is stored out of band.</summary>
    Task LeaveAsync(UserId user, RoomId roomId, IReadOnlyList<ServerName> servers, JsonObject content,
        CancellationToken cancellationToken);

    /// <summary>make_knock/send_knock; the knock is stored out of band with the room state the resident gave.</summary>
    Task KnockAsync(UserId user, RoomId roomId, IReadOnlyList<ServerName> servers, JsonObject content,
        CancellationToken cancellationToken);

    /// <summary>PUT /v2/invite to the invitee's server: the invite as it came back, with that server's signature.</summary>
    Task<Pdu> InviteAsync(Pdu invite, JsonArray inviteRoomState, CancellationToken cancellationToken);
}
