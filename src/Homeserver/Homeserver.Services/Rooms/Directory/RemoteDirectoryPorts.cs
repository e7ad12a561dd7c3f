using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Rooms.Directory;

/// <summary>
/// Other servers' aliases and room directories (federation's <c>/query/directory</c> and <c>/publicRooms</c>).
/// Registered by federation; without it, aliases and directories of other servers are not found. Failures are thrown
/// as the client should see them (404 when the other server has no such alias, 502 when it cannot be asked).
/// </summary>
public interface IRemoteRoomDirectory
{
    Task<RemoteAlias> QueryAliasAsync(RoomAlias alias, CancellationToken cancellationToken);

    /// <summary>The other server's answer, shaped as this server's own /publicRooms answer.</summary>
    Task<JsonObject> PublicRoomsAsync(ServerName server, PublicRoomsRequest request, CancellationToken cancellationToken);
}

/// <summary>The room an alias of another server points to, and the servers that server says know it.</summary>
public sealed record RemoteAlias(RoomId RoomId, IReadOnlyList<ServerName> Servers);
