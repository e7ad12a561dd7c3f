using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Rooms;

/// <summary>
/// Restricted joins (room versions 8+, "restricted" and "knock_restricted" join rules): a user who is in one of
/// the rooms the join rule allows may join without an invite, and the join names a local member with the power
/// to invite in <c>join_authorised_via_users_server</c>, which the auth rules check.
/// </summary>
public static class RestrictedJoins
{
    public const string AuthorisedVia = "join_authorised_via_users_server";

    /// <summary>The join content to send: unchanged unless the room's join rule is restricted and the user is
    /// neither joined nor invited, in which case an authorising member is added (or the join is refused).</summary>
    public static JsonObject Authorise(RoomHead head, string userId, JsonObject content,
        IReadOnlySet<string> roomsOfUser, ServerName serverName)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(roomsOfUser);
        var joinRules = head.Get(EventTypes.JoinRules, "");
        var rule = joinRules?.ContentString("join_rule");
        if (!head.Version.AllowsRestrictedJoins || rule is not ("restricted" or "knock_restricted"))
        {
            return content;
        }

        var membership = head.Get(EventTypes.Member, userId)?.Membership;
        if (membership is Memberships.Join or Memberships.Invite)
        {
            return content;
        }

        if (!AllowedRooms(joinRules!).Any(roomsOfUser.Contains))
        {
            throw new MatrixException(ErrorCode.Forbidden, "You are not a member of any room that grants access to this one");
        }

        var authoriser = LocalAuthoriser(head, serverName)
            ?? throw new MatrixException(ErrorCode.UnableToAuthoriseJoin, "No member of this server can authorise the join");
        var authorised = content.DeepClone().AsObject();
        authorised[AuthorisedVia] = authoriser;
        return authorised;
    }

    /// <summary>A joined member of <paramref name="serverName"/> with the power to invite (the first by user ID), or
    /// null when there is none.</summary>
    public static string? LocalAuthoriser(RoomHead head, ServerName serverName)
    {
        ArgumentNullException.ThrowIfNull(head);
        var powerLevels = RoomPowerLevels.For(head.RoomState, head.Version);
        var suffix = ":" + serverName.Value;
        return head.State.Values
            .Where(e => e.Type == EventTypes.Member && e.Membership == Memberships.Join &&
                        e.StateKey!.EndsWith(suffix, StringComparison.Ordinal) && powerLevels.CanInvite(e.StateKey))
            .Select(e => e.StateKey!)
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>The rooms whose members the join rule admits (<c>m.room_membership</c> entries of <c>allow</c>).</summary>
    public static IEnumerable<string> AllowedRooms(Pdu joinRules)
    {
        ArgumentNullException.ThrowIfNull(joinRules);
        return AllowedRoomsOf(joinRules);
    }

    private static IEnumerable<string> AllowedRoomsOf(Pdu joinRules)
    {
        if (joinRules.Content.ValueKind != JsonValueKind.Object ||
            !joinRules.Content.TryGetProperty("allow", out var allow) || allow.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var entry in allow.EnumerateArray())
        {
            if (entry.ValueKind == JsonValueKind.Object &&
                entry.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String &&
                type.GetString() == "m.room_membership" &&
                entry.TryGetProperty("room_id", out var room) && room.ValueKind == JsonValueKind.String)
            {
                yield return room.GetString()!;
            }
        }
    }
}
