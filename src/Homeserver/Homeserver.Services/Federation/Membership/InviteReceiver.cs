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

/// <summary>
/// An invite of one of our users from another server (server-server API, "Inviting to a room", PUT /v2/invite and the
/// deprecated v1): the invitee is ours, the sender is of the origin (which the room's ACL allows, when we know the
/// room), the room version is supported, the event verifies; the invitee's invite blocking, live-artist blocking
/// (docs/LIVE.md) and ignored users apply.
/// We add our signature and store it (out of band, with the stripped room state in <c>unsigned.invite_room_state</c>
/// for /sync, unless we are in the room and can place it there) and answer the signed event.
/// </summary>
public sealed class InviteReceiver(RemotePduVerifier verifier, ServerAclGuard acl, RoomWriter writer,
    InviteBlocking inviteBlocking, IgnoredUsers ignoredUsers, HomeserverSettings settings, SigningKey key,
    Live.Access.ArtistInviteBlocking artistInvites)
{
    public async Task<JsonObject> ReceiveAsync(ServerName origin, string roomIdText, string eventIdText,
        string? roomVersion, JsonObject raw, JsonArray? inviteRoomState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (!RoomId.TryParse(roomIdText, out var roomId, out var error))
        {
            throw new MatrixException(ErrorCode.InvalidParam, "Invalid room ID: " + error);
        }

        if (!RoomVersions.TryGet(roomVersion ?? "1", out var version))
        {
            throw new MatrixException(ErrorCode.IncompatibleRoomVersion,
                $"Room version {roomVersion} is not supported here", 400,
                new Dictionary<string, object?> { ["room_version"] = roomVersion });
        }

        var verified = await verifier.VerifyAsync(raw, version, cancellationToken);
        if (verified is not { Pdu: { } invite, Redacted: false })
        {
            throw new MatrixException(ErrorCode.Forbidden, "The invite does not verify: " + verified.Error);
        }

        if (invite.EventId != eventIdText || invite.RoomId != roomId.Value)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "The event is not the one the path names");
        }

        if (invite.Type != EventTypes.Member || invite.Membership != Memberships.Invite ||
            !UserId.TryParse(invite.StateKey, out var invitee, out _) || invitee.Domain != settings.ServerName)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "The event is not an invite of a user of this server");
        }

        if (!UserId.TryParse(invite.Sender, out var sender, out _) || sender.Domain != origin)
        {
            throw new MatrixException(ErrorCode.Forbidden, "The invite's sender is not of the server sending it");
        }

        var head = await writer.GetHeadAsync(roomId.Value, cancellationToken);
        if (head is not null)
        {
            await acl.EnsureAllowedAsync(origin, roomId, cancellationToken);
        }

        if (await ignoredUsers.IsIgnoringAsync(invitee, sender.Value, cancellationToken))
        {
            throw new MatrixException(ErrorCode.Forbidden, "This user does not accept invites from the sender");
        }

        await inviteBlocking.EnsureAcceptsInvitesAsync(invitee, cancellationToken);
        await artistInvites.EnsureMayInviteAsync(invitee, sender.Value, inviterIsAdmin: false, cancellationToken);

        // The content hash verified, so hashing again writes the same one; only our signature is new.
        var signedJson = EventSigning.HashAndSign(invite.ToJsonObject(), settings.ServerName.Value, key, version);
        var signed = Pdu.FromTrusted(signedJson.ToJsonString(), version, invite.EventId);
        await StoreAsync(RemoteMembershipClient.WithUnsigned(signed, "invite_room_state", inviteRoomState ?? []),
            head is not null, origin, cancellationToken);
        signedJson.Remove("unsigned");
        return new JsonObject { ["event"] = signedJson };
    }

    private async Task StoreAsync(Pdu invite, bool roomKnown, ServerName origin, CancellationToken cancellationToken)
    {
        if (roomKnown)
        {
            // In a room we are in, the invite takes its place in the timeline when its prev events are known.
            var result = await writer.InputAsync(new InputEvent(invite, InputKind.New, origin), cancellationToken);
            if (result.Status == InputStatus.Rejected)
            {
                throw new MatrixException(ErrorCode.Forbidden, "The invite is not allowed: " + result.Reason);
            }

            if (result.Status != InputStatus.MissingEvents)
            {
                return;
            }
        }

        await writer.StoreOutOfBandMembershipAsync(invite, cancellationToken);
    }
}
