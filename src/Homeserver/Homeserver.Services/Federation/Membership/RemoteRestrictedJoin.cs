using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Federation.Membership;

/// <summary>
/// A restricted join (room versions 8+, join rule <c>restricted</c> or <c>knock_restricted</c>) of another server's
/// user, as the resident server decides it for make_join (server-server API, "Restricted rooms"): a user neither joined
/// nor invited must be joined to one of the rooms the join rule allows, as far as this server sees them (when this
/// server is in none of them, 400 <c>M_UNABLE_TO_AUTHORISE_JOIN</c>; otherwise 403 <c>M_FORBIDDEN</c>), and one of
/// our joined members with the power to invite is named in <c>join_authorised_via_users_server</c> (none: 400
/// <c>M_UNABLE_TO_GRANT_JOIN</c>, another resident server may be able to).
/// </summary>
public sealed class RemoteRestrictedJoin(IRoomEventReader reader)
{
    public async Task<JsonObject> AuthoriseAsync(RoomHead head, UserId user, JsonObject content, ServerName us,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(content);
        if (!await NeedsAuthorisationAsync(head, user, us, cancellationToken))
        {
            return content;
        }

        var authoriser = RestrictedJoins.LocalAuthoriser(head, us) ??
                         throw new MatrixException(ErrorCode.UnableToGrantJoin,
                             "No member of this server can authorise the join", httpStatus: 400);
        var authorised = content.DeepClone().AsObject();
        authorised[RestrictedJoins.AuthorisedVia] = authoriser;
        return authorised;
    }

    /// <summary>
    /// Whether the join is a restricted one (the room's join rule is restricted, the user neither joined nor invited),
    /// throwing when the user is in none of the allowed rooms. send_join asks it again before this server signs.
    /// </summary>
    public async Task<bool> NeedsAuthorisationAsync(RoomHead head, UserId user, ServerName us,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(head);
        var joinRules = head.Get(EventTypes.JoinRules, "");
        var rule = joinRules?.ContentString("join_rule");
        if (!head.Version.AllowsRestrictedJoins || rule is not ("restricted" or "knock_restricted") ||
            head.Get(EventTypes.Member, user.Value)?.Membership is Memberships.Join or Memberships.Invite)
        {
            return false;
        }

        var allowed = RestrictedJoins.AllowedRooms(joinRules!).Distinct(StringComparer.Ordinal).ToList();
        if (await IsJoinedToAnyAsync(allowed, user.Value, cancellationToken))
        {
            return true;
        }

        if (!await IsJoinedToAnyAsync(allowed, us, cancellationToken))
        {
            throw new MatrixException(ErrorCode.UnableToAuthoriseJoin,
                "This server is in none of the rooms that grant access to this one");
        }

        throw new MatrixException(ErrorCode.Forbidden, "You are not a member of any room that grants access to this one");
    }

    private async Task<bool> IsJoinedToAnyAsync(IReadOnlyList<string> rooms, string userId,
        CancellationToken cancellationToken)
    {
        foreach (var room in rooms)
        {
            if ((await reader.GetMembershipAsync(room, userId, cancellationToken))?.Membership == Memberships.Join)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a user of <paramref name="server"/> is joined to one of the rooms.</summary>
    private async Task<bool> IsJoinedToAnyAsync(IReadOnlyList<string> rooms, ServerName server,
        CancellationToken cancellationToken)
    {
        var suffix = ":" + server.Value;
        foreach (var room in rooms)
        {
            if (await reader.GetRoomVersionAsync(room, cancellationToken) is null)
            {
                continue;
            }

            var state = await reader.GetCurrentStateAsync(room, cancellationToken);
            if (state.Any(e => e.Pdu.Type == EventTypes.Member && e.Pdu.Membership == Memberships.Join &&
                               e.Pdu.StateKey!.EndsWith(suffix, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}
