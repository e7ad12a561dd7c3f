using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Federation.History;

/// <summary>
/// Whether another server may read a room's history here, as Synapse asks before every history request: the room must
/// be known (404 <c>M_NOT_FOUND</c>), its server ACL must allow the server and one of the server's users must be joined
/// to it now (403 <c>M_FORBIDDEN</c>).
/// </summary>
public sealed class FederationRoomGate(IFederationHistoryStore store, ServerAclGuard acl)
{
    public async Task EnsureServedAsync(ServerName origin, RoomId roomId, CancellationToken cancellationToken)
    {
        if (!await store.RoomExistsAsync(roomId, cancellationToken))
        {
            throw new MatrixException(ErrorCode.NotFound, $"Room {roomId} is not known here");
        }

        await acl.EnsureAllowedAsync(origin, roomId, cancellationToken);
        if (!await store.IsServerJoinedAsync(roomId, origin, cancellationToken))
        {
            throw new MatrixException(ErrorCode.Forbidden, $"Server {origin} is not in room {roomId}");
        }
    }
}
