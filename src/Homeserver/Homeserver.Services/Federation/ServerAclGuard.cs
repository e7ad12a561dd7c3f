using Homeserver.Core.Errors;
using Homeserver.Core.Federation;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Federation;

/// <summary>
/// The room's <c>m.room.server_acl</c> applied to a requesting server: every inbound federation path that names a room
/// (PDUs and EDUs in /send, the membership handshakes, history, state, hierarchy) asks it first.
/// </summary>
public sealed class ServerAclGuard(IRoomHistoryReader history)
{
    public async Task<bool> AllowsAsync(ServerName server, RoomId roomId, CancellationToken cancellationToken)
    {
        var acl = await history.GetCurrentStateEventAsync(roomId.Value, ServerAcl.EventType, "", cancellationToken);
        return acl is null || ServerAcl.Allows(acl.Pdu.Content, server);
    }

    /// <summary>Throws 403 <c>M_FORBIDDEN</c> when the room's ACL refuses the server.</summary>
    public async Task EnsureAllowedAsync(ServerName server, RoomId roomId, CancellationToken cancellationToken)
    {
        if (!await AllowsAsync(server, roomId, cancellationToken))
        {
            throw new MatrixException(ErrorCode.Forbidden, $"Server {server} is denied by the room's server ACL");
        }
    }
}
