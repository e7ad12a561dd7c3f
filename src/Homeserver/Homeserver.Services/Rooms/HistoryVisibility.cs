using Homeserver.Core.Events;

namespace Homeserver.Services.Rooms;

/// <summary>
/// The spec's history visibility rules (client-server API, "Room History Visibility"), given what was in effect at
/// an event: the room's <c>history_visibility</c> and the user's membership there.
/// </summary>
public static class HistoryVisibility
{
    public const string WorldReadable = "world_readable";
    public const string Shared = "shared";
    public const string Invited = "invited";
    public const string Joined = "joined";

    // Most permissive first.
    private static readonly string[] VisibilityOrder = [WorldReadable, Shared, Invited, Joined];

    // Most able to see first.
    private static readonly string[] MembershipOrder =
        [Memberships.Join, Memberships.Invite, Memberships.Knock, Memberships.Leave, Memberships.Ban];

    /// <summary>The visibility a history_visibility value means: "shared" when there is none (the spec's default),
    /// the most restrictive, "joined", when it is not one the spec knows.</summary>
    public static string Normalise(string? value) => value switch
    {
        null => Shared,
        WorldReadable or Shared or Invited or Joined => value,
        _ => Joined,
    };

    /// <summary>The more permissive of two visibilities (a history_visibility event is visible under either).</summary>
    public static string MorePermissive(string a, string b) =>
        Array.IndexOf(VisibilityOrder, a) <= Array.IndexOf(VisibilityOrder, b) ? a : b;

    /// <summary>The membership that sees more (the user's own member event is visible under either).</summary>
    public static string MoreAble(string a, string b)
    {
        var ia = Array.IndexOf(MembershipOrder, a);
        var ib = Array.IndexOf(MembershipOrder, b);
        return (ia < 0 ? MembershipOrder.Length : ia) <= (ib < 0 ? MembershipOrder.Length : ib) ? a : b;
    }

    /// <param name="visibility">The history visibility in effect at the event.</param>
    /// <param name="membership">The user's membership at the event ("leave" when none).</param>
    /// <param name="joinedLater">Whether the user joined the room at some point after the event.</param>
    public static bool Allows(string visibility, string membership, bool joinedLater) =>
        visibility == WorldReadable ||
        membership == Memberships.Join ||
        (visibility == Shared && joinedLater) ||
        (visibility == Invited && membership == Memberships.Invite);
}
