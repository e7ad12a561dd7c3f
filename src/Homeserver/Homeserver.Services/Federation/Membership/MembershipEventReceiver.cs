using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Services.Federation.Events;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Input;

namespace Homeserver.Services.Federation.Membership;

/// <summary>A membership event another server sent us and the room took.</summary>
/// <param name="SignedByUs">This server added its signature (a restricted join it authorised).</param>
public sealed record ReceivedMembership(HandshakeRoom Room, Pdu Event, bool SignedByUs);

/// <summary>
/// The resident server's side of <c>send_join</c>, <c>send_leave</c> and <c>send_knock</c>: the event must be of the
/// room and event ID in the path (400 <c>M_INVALID_PARAM</c>), a membership of the expected kind whose sender is its
/// state key (400 <c>M_INVALID_PARAM</c>) and a user of the origin (403 <c>M_FORBIDDEN</c>), validly signed and
/// hashed (400 <c>M_INVALID_PARAM</c>); a restricted join naming one of our users as authoriser is checked again and
/// signed by this server first. It then enters the room as a new event; refused by the auth rules it is 403
/// <c>M_FORBIDDEN</c>. Sending the same event again is answered as the first time.
/// </summary>
public sealed class MembershipEventReceiver(MembershipHandshakeChecks checks, RemotePduVerifier verifier,
    RoomWriter writer, IRoomEventWriter heads, IRoomInputStore inputs, RemoteRestrictedJoin restricted,
    SigningKey signingKey, HomeserverSettings settings)
{
    public async Task<ReceivedMembership> ReceiveAsync(ServerName origin, string roomId, string eventId,
        JsonElement body, string membership, CancellationToken cancellationToken)
    {
        var room = await checks.RoomAsync(origin, roomId, cancellationToken);
        var json = JsonObject.Create(body)?.DeepClone().AsObject() ??
                   throw new MatrixException(ErrorCode.BadJson, "The event must be a JSON object");
        var pdu = Parse(json, room.Version);
        Check(pdu, room, eventId, membership);
        var user = UserId.Parse(pdu.Sender);
        if (user.Domain != origin)
        {
            throw new MatrixException(ErrorCode.Forbidden, $"{origin} may not send events for {user}");
        }

        var signedByUs = false;
        if (membership == Memberships.Join && await ShouldAuthoriseAsync(room, pdu, user, cancellationToken))
        {
            if (!EventHashing.HasValidContentHash(json, room.Version))
            {
                throw new MatrixException(ErrorCode.InvalidParam, "The event's content hash does not match");
            }

            EventSigning.HashAndSign(json, settings.ServerName.Value, signingKey, room.Version);
            signedByUs = true;
        }

        var verified = await verifier.VerifyAsync(json, room.Version, cancellationToken);
        if (!verified.IsValid || verified.Redacted)
        {
            throw new MatrixException(ErrorCode.InvalidParam,
                $"The event failed its signature or hash checks: {verified.Error ?? "content hash mismatch"}");
        }

        await InputAsync(new InputEvent(verified.Pdu!, InputKind.New, origin), cancellationToken);
        return new ReceivedMembership(room, verified.Pdu!, signedByUs);
    }

    private static Pdu Parse(JsonObject json, RoomVersion version) =>
        Pdu.TryParse(json, version, out var pdu, out var error)
            ? pdu!
            : throw new MatrixException(ErrorCode.BadJson, $"Invalid event: {error}");

    private static void Check(Pdu pdu, HandshakeRoom room, string eventId, string membership)
    {
        if (pdu.RoomId != room.RoomId.Value)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "The event is not of the room in the path");
        }

        if (pdu.EventId != eventId)
        {
            throw new MatrixException(ErrorCode.InvalidParam,
                $"The event's ID is {pdu.EventId}, not the one in the path");
        }

        if (pdu.Type != EventTypes.Member || pdu.Membership != membership)
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"Not an m.room.member event with membership {membership}");
        }

        if (pdu.StateKey != pdu.Sender || !UserId.TryParse(pdu.Sender, out _, out _))
        {
            throw new MatrixException(ErrorCode.InvalidParam, "The state key must be the sender's user ID");
        }
    }

    /// <summary>
    /// A join naming one of our users in <c>join_authorised_via_users_server</c> needs our signature (the v8+ auth
    /// rules refuse it otherwise); we give it only to a user the join rule admits (the auth rules check the
    /// authoriser's power, not the rooms that grant access: that is our part).
    /// </summary>
    private async Task<bool> ShouldAuthoriseAsync(HandshakeRoom room, Pdu pdu, UserId user,
        CancellationToken cancellationToken)
    {
        if (!room.Version.AllowsRestrictedJoins ||
            pdu.ContentString(RestrictedJoins.AuthorisedVia) is not { } authoriser ||
            !UserId.TryParse(authoriser, out var authoriserId, out _) || authoriserId.Domain != settings.ServerName)
        {
            return false;
        }

        var head = await heads.GetHeadAsync(room.RoomId.Value, cancellationToken) ??
                   throw new MatrixException(ErrorCode.NotFound, "Unknown room");
        await restricted.NeedsAuthorisationAsync(head, user, settings.ServerName, cancellationToken);
        return true;
    }

    private async Task InputAsync(InputEvent input, CancellationToken cancellationToken)
    {
        var result = await writer.InputAsync(input, cancellationToken);
        switch (result.Status)
        {
            case InputStatus.Accepted:
                return;
            case InputStatus.AlreadyStored:
                var stored = await inputs.GetEventsAsync([input.EventId.Value], cancellationToken);
                if (stored.TryGetValue(input.EventId.Value, out var known) && !known.Rejected && !known.Outlier)
                {
                    return;
                }

                throw new MatrixException(ErrorCode.Forbidden, "The event was refused before");
            case InputStatus.MissingEvents:
                throw new MatrixException(ErrorCode.InvalidParam,
                    "The event refers to events this server does not have: " +
                    string.Join(", ", result.Missing?.Select(id => id.Value) ?? []));
            default:
                throw new MatrixException(ErrorCode.Forbidden,
                    $"The event is not allowed in the room: {result.Reason ?? "it fails against the current state"}");
        }
    }
}
