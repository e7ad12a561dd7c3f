using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;

namespace Homeserver.Core.Auth;

/// <summary>The <c>m.room.member</c> rules (rule 5 in version 12): join, invite, leave, ban, knock.</summary>
internal static class MembershipRules
{
    public static AuthResult Authorize(Pdu pdu, AuthState state, AuthOptions options)
    {
        var membership = pdu.Membership;
        if (pdu.StateKey is not { } target || membership is null)
        {
            return AuthResult.Reject("a member event needs a state_key and content.membership");
        }

        var version = pdu.Version;
        // Rule 4.2 (v8+), for every membership: a value that is not a user ID names no server that could sign.
        if (version.AllowsRestrictedJoins && pdu.Content.TryGetProperty("join_authorised_via_users_server", out _) &&
            (pdu.ContentString("join_authorised_via_users_server") is not { } authoriser ||
             !UserId.TryParse(authoriser, out var authoriserId, out _) ||
             !options.IsSignedByServer(pdu, authoriserId.Domain.Value)))
        {
            return AuthResult.Reject("the event is not signed by the server of join_authorised_via_users_server");
        }

        return membership switch
        {
            Memberships.Join => AuthorizeJoin(pdu, state),
            Memberships.Invite => AuthorizeInvite(pdu, state, target),
            Memberships.Leave => AuthorizeLeave(pdu, state, target),
            Memberships.Ban => AuthorizeBan(pdu, state, target),
            Memberships.Knock when version.AllowsKnocking => AuthorizeKnock(pdu, state),
            _ => AuthResult.Reject($"unknown membership '{membership}'"),
        };
    }

    private static AuthResult AuthorizeJoin(Pdu pdu, AuthState state)
    {
        var create = state.Create!;
        var creator = pdu.Version.CreatorIsCreateSender ? create.Sender : create.ContentString("creator");
        if (pdu.PrevEvents.Count == 1 && pdu.PrevEvents[0] == create.EventId && pdu.StateKey == creator)
        {
            return AuthResult.Allow("the creator's first join");
        }

        if (pdu.Sender != pdu.StateKey)
        {
            return AuthResult.Reject("only the user themselves can join");
        }

        var current = state.MembershipOf(pdu.Sender);
        if (current == Memberships.Ban)
        {
            return AuthResult.Reject("the user is banned");
        }

        var joinRule = state.JoinRule;
        var version = pdu.Version;
        if (joinRule == "invite" || (version.AllowsKnocking && joinRule == "knock"))
        {
            return current is Memberships.Invite or Memberships.Join
                ? AuthResult.Allow("the user is invited or already joined")
                : AuthResult.Reject($"the join rule is {joinRule} and the user is not invited");
        }

        if ((version.AllowsRestrictedJoins && joinRule == "restricted") ||
            (version.AllowsKnockRestricted && joinRule == "knock_restricted"))
        {
            if (current is Memberships.Invite or Memberships.Join)
            {
                return AuthResult.Allow("the user is invited or already joined");
            }

            var authoriser = pdu.ContentString("join_authorised_via_users_server");
            if (authoriser is null || state.MembershipOf(authoriser) != Memberships.Join ||
                state.UserLevel(authoriser) < state.PowerLevels.Invite)
            {
                return AuthResult.Reject("join_authorised_via_users_server is not a joined user who may invite");
            }

            return AuthResult.Allow("the join is authorised by a user who may invite");
        }

        return joinRule == "public"
            ? AuthResult.Allow("the room is public")
            : AuthResult.Reject($"the join rule '{joinRule}' does not allow joining");
    }

    private static AuthResult AuthorizeInvite(Pdu pdu, AuthState state, string target)
    {
        if (pdu.Content.TryGetProperty("third_party_invite", out var thirdPartyInvite))
        {
            return ThirdPartyInviteRules.Authorize(pdu, state, target, thirdPartyInvite);
        }

        if (state.MembershipOf(pdu.Sender) != Memberships.Join)
        {
            return AuthResult.Reject("the inviter is not joined");
        }

        var targetMembership = state.MembershipOf(target);
        if (targetMembership is Memberships.Join or Memberships.Ban)
        {
            return AuthResult.Reject($"the invitee is already {targetMembership}");
        }

        return state.UserLevel(pdu.Sender) >= state.PowerLevels.Invite
            ? AuthResult.Allow("the inviter has the invite level")
            : AuthResult.Reject("the inviter is below the invite level");
    }

    private static AuthResult AuthorizeLeave(Pdu pdu, AuthState state, string target)
    {
        if (pdu.Sender == target)
        {
            var own = state.MembershipOf(target);
            var canLeave = own is Memberships.Invite or Memberships.Join ||
                           (pdu.Version.AllowsKnocking && own == Memberships.Knock);
            return canLeave
                ? AuthResult.Allow($"the user leaves from {own}")
                : AuthResult.Reject($"the user cannot leave from {own}");
        }

        if (state.MembershipOf(pdu.Sender) != Memberships.Join)
        {
            return AuthResult.Reject("the sender is not joined");
        }

        var senderLevel = state.UserLevel(pdu.Sender);
        if (state.MembershipOf(target) == Memberships.Ban && senderLevel < state.PowerLevels.Ban)
        {
            return AuthResult.Reject("unbanning needs the ban level");
        }

        return senderLevel >= state.PowerLevels.Kick && state.UserLevel(target) < senderLevel
            ? AuthResult.Allow("the sender may kick the target")
            : AuthResult.Reject("kicking needs the kick level and a higher level than the target");
    }

    private static AuthResult AuthorizeBan(Pdu pdu, AuthState state, string target)
    {
        if (state.MembershipOf(pdu.Sender) != Memberships.Join)
        {
            return AuthResult.Reject("the sender is not joined");
        }

        var senderLevel = state.UserLevel(pdu.Sender);
        return senderLevel >= state.PowerLevels.Ban && state.UserLevel(target) < senderLevel
            ? AuthResult.Allow("the sender may ban the target")
            : AuthResult.Reject("banning needs the ban level and a higher level than the target");
    }

    private static AuthResult AuthorizeKnock(Pdu pdu, AuthState state)
    {
        var joinRule = state.JoinRule;
        if (joinRule != "knock" && !(pdu.Version.AllowsKnockRestricted && joinRule == "knock_restricted"))
        {
            return AuthResult.Reject($"the join rule '{joinRule}' does not allow knocking");
        }

        if (pdu.Sender != pdu.StateKey)
        {
            return AuthResult.Reject("only the user themselves can knock");
        }

        var current = state.MembershipOf(pdu.Sender);
        return current is Memberships.Ban or Memberships.Invite or Memberships.Join
            ? AuthResult.Reject($"the user cannot knock while {current}")
            : AuthResult.Allow("the user may knock");
    }
}
