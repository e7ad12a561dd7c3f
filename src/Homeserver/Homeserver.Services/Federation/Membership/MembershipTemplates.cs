using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Federation.Membership;

/// <summary>
/// The resident server's side of <c>make_join</c>, <c>make_leave</c> and <c>make_knock</c>: an event template for
/// another server's user built on the room's head (prev_events, auth_events, depth), checked against the auth rules
/// as if sent now (403 <c>M_FORBIDDEN</c> otherwise), without hashes, signatures or event ID: the joining server
/// completes and signs it.
/// </summary>
public sealed class MembershipTemplates(MembershipHandshakeChecks checks, IRoomEventWriter heads,
    RoomEventFactory factory, RemoteRestrictedJoin restricted, HomeserverSettings settings)
{
    /// <summary>GET /_matrix/federation/v1/make_join/{roomId}/{userId}</summary>
    public async Task<JsonObject> MakeJoinAsync(ServerName origin, string roomId, string userId,
        IReadOnlyCollection<string> supportedVersions, CancellationToken cancellationToken)
    {
        var (room, user, head) = await PrepareAsync(origin, roomId, userId, supportedVersions, cancellationToken);
        if (head.Get(EventTypes.Member, user.Value)?.Membership == Memberships.Ban)
        {
            throw new MatrixException(ErrorCode.Forbidden, "You are banned from this room");
        }

        var content = await restricted.AuthoriseAsync(head, user, Content(Memberships.Join), settings.ServerName,
            cancellationToken);
        return Template(room, head, user, content);
    }

    /// <summary>GET /_matrix/federation/v1/make_leave/{roomId}/{userId}</summary>
    public async Task<JsonObject> MakeLeaveAsync(ServerName origin, string roomId, string userId,
        CancellationToken cancellationToken)
    {
        // make_leave has no ver: the leaving server is in the room, so it supports its version.
        var (room, user, head) = await PrepareAsync(origin, roomId, userId, null, cancellationToken);
        return Template(room, head, user, Content(Memberships.Leave));
    }

    /// <summary>GET /_matrix/federation/v1/make_knock/{roomId}/{userId}</summary>
    public async Task<JsonObject> MakeKnockAsync(ServerName origin, string roomId, string userId,
        IReadOnlyCollection<string> supportedVersions, CancellationToken cancellationToken)
    {
        var (room, user, head) = await PrepareAsync(origin, roomId, userId, supportedVersions, cancellationToken);
        if (!room.Version.AllowsKnocking)
        {
            throw new MatrixException(ErrorCode.Forbidden, $"Room version {room.Version.Id} does not support knocking");
        }

        return Template(room, head, user, Content(Memberships.Knock));
    }

    private async Task<(HandshakeRoom Room, UserId User, RoomHead Head)> PrepareAsync(ServerName origin,
        string roomId, string userId, IReadOnlyCollection<string>? supportedVersions,
        CancellationToken cancellationToken)
    {
        var room = await checks.RoomAsync(origin, roomId, cancellationToken);
        var user = MembershipHandshakeChecks.UserOfOrigin(origin, userId);
        if (supportedVersions is not null)
        {
            MembershipHandshakeChecks.EnsureVersionSupported(room.Version, supportedVersions);
        }

        var head = await heads.GetHeadAsync(room.RoomId.Value, cancellationToken) ??
                   throw new MatrixException(ErrorCode.NotFound, "Unknown room");
        return (room, user, head);
    }

    private JsonObject Template(HandshakeRoom room, RoomHead head, UserId user, JsonObject content)
    {
        // Built and authorised as this server would send it, then stripped of what the other server replaces.
        var pdu = factory.Build(head, new PduTemplate(EventTypes.Member, user.Value, user.Value, content));
        var template = pdu.ToJsonObject();
        template.Remove("hashes");
        template.Remove("signatures");
        template.Remove("event_id");
        template.Remove("unsigned");
        template["origin"] = settings.ServerName.Value;
        return new JsonObject { ["room_version"] = room.Version.Id, ["event"] = template };
    }

    private static JsonObject Content(string membership) => new() { ["membership"] = membership };
}
