using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Federation.Membership;

/// <summary>
/// <c>PUT /_matrix/federation/v1/exchange_third_party_invite/{roomId}</c>: the invitee's server hands us the invite
/// its user redeemed (a partial m.room.member event with the identity server's <c>signed</c> block); we hold the
/// room's <c>m.room.third_party_invite</c> and its sender is one of ours, so we build the invite as that sender and
/// the auth rules check it (the token names the third-party invite, <c>mxid</c> is the invitee, <c>signed</c> is
/// signed with one of its public keys, the sender sent it): refused, 403 <c>M_FORBIDDEN</c>.
/// </summary>
public sealed class ThirdPartyInviteExchange(MembershipHandshakeChecks checks, RoomWriter writer,
    RoomEventFactory factory, HomeserverSettings settings)
{
    public async Task ExchangeAsync(ServerName origin, string roomId, JsonElement body,
        CancellationToken cancellationToken)
    {
        var room = await checks.RoomAsync(origin, roomId, cancellationToken);
        if (Text(body, "type") != EventTypes.Member || Text(body, "room_id") != room.RoomId.Value)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "Not an m.room.member event of the room in the path");
        }

        var invitee = MembershipHandshakeChecks.UserOfOrigin(origin, Text(body, "state_key") ??
            throw new MatrixException(ErrorCode.BadJson, "state_key is required"));
        if (!UserId.TryParse(Text(body, "sender"), out var sender, out _) || sender.Domain != settings.ServerName)
        {
            throw new MatrixException(ErrorCode.Forbidden, "The invite's sender is not a user of this server");
        }

        if (!body.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Object ||
            Text(content, "membership") != Memberships.Invite ||
            !content.TryGetProperty("third_party_invite", out var thirdParty) ||
            thirdParty.ValueKind != JsonValueKind.Object ||
            !thirdParty.TryGetProperty("signed", out var signed) || signed.ValueKind != JsonValueKind.Object)
        {
            throw new MatrixException(ErrorCode.BadJson,
                "content must be an invite with third_party_invite.signed");
        }

        var token = Text(signed, "token");
        await writer.AppendAsync(room.RoomId.Value, head =>
        {
            var invite = token is null ? null : head.Get(EventTypes.ThirdPartyInvite, token);
            var inviteContent = new JsonObject
            {
                ["membership"] = Memberships.Invite,
                ["third_party_invite"] = new JsonObject
                {
                    // The name the inviter gave the invite (as Synapse does), else the one we were sent.
                    ["display_name"] = invite?.ContentString("display_name") ?? Text(thirdParty, "display_name"),
                    ["signed"] = JsonNode.Parse(signed.GetRawText()),
                },
            };
            return [new NewRoomEvent(factory.Build(head,
                new PduTemplate(EventTypes.Member, sender.Value, invitee.Value, inviteContent)))];
        }, cancellationToken);
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
