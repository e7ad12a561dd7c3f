using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Federation.Membership;

/// <summary>A room this server hosts, as a membership handshake of another server addresses it.</summary>
public sealed record HandshakeRoom(RoomId RoomId, RoomVersion Version);

/// <summary>
/// What every membership handshake asks first (server-server API, "Joining rooms", "Leaving rooms", "Knocking upon a
/// room", "Third-party invites"): a room we know (404 <c>M_NOT_FOUND</c>), whose server ACL admits the origin (403),
/// a user of the origin server (403), a room version the origin supports (400 <c>M_INCOMPATIBLE_ROOM_VERSION</c>).
/// </summary>
public sealed class MembershipHandshakeChecks(IRoomEventReader reader, ServerAclGuard acl)
{
    public async Task<HandshakeRoom> RoomAsync(ServerName origin, string roomId, CancellationToken cancellationToken)
    {
        if (!RoomId.TryParse(roomId, out var parsed, out var error))
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"Invalid room ID: {error}");
        }

        var version = await reader.GetRoomVersionAsync(parsed.Value, cancellationToken) ??
                      throw new MatrixException(ErrorCode.NotFound, "Unknown room");
        await acl.EnsureAllowedAsync(origin, parsed, cancellationToken);
        return new HandshakeRoom(parsed, version);
    }

    /// <summary>The user, who must belong to the requesting server.</summary>
    public static UserId UserOfOrigin(ServerName origin, string userId)
    {
        if (!UserId.TryParse(userId, out var parsed, out var error))
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"Invalid user ID: {error}");
        }

        return parsed.Domain == origin
            ? parsed
            : throw new MatrixException(ErrorCode.Forbidden, $"{parsed} is not a user of {origin}");
    }

    /// <summary>The <c>ver</c> query parameters: the versions the origin supports (version 1 when none is given).</summary>
    public static void EnsureVersionSupported(RoomVersion version, IReadOnlyCollection<string> supported)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(supported);
        var versions = supported.Count == 0 ? ["1"] : supported;
        if (!versions.Contains(version.Id, StringComparer.Ordinal))
        {
            throw new MatrixException(ErrorCode.IncompatibleRoomVersion,
                $"Your homeserver does not support the features required to interact with this room (version {version.Id})",
                extraFields: new Dictionary<string, object?> { ["room_version"] = version.Id });
        }
    }
}
