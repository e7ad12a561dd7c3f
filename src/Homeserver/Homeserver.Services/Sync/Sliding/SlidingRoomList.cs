using Homeserver.Core.Events;

namespace Homeserver.Services.Sync.Sliding;

/// <summary>A room the user has a membership of, with what the lists sort and filter on.</summary>
/// <param name="BumpStamp">The position of the room's newest event of a bumping type (<c>m.room.message</c>...) up to
/// the response's position; null when it has none here (a remote room known only by an invite).</param>
/// <param name="LastStream">The position of the room's newest event of any type.</param>
public sealed record SlidingRoomRow(string RoomId, string Membership, string EventId, long StreamOrdering,
    bool Forgotten, string MembershipSender, long? BumpStamp, long LastStream, bool IsEncrypted, string? RoomType)
{
    /// <summary>The list order (greater is more recent): a joined room's last activity or the join itself, whichever
    /// is later; for any other membership, when it happened.</summary>
    public long SortStamp => Membership == Memberships.Join
        ? Math.Max(BumpStamp ?? 0, StreamOrdering)
        : StreamOrdering;

    public SyncMembership AsMembership() => new(RoomId, Membership, EventId, StreamOrdering, Forgotten);
}

/// <summary>
/// The user's rooms as sliding sync lists see them (MSC4186 "Lists"): every room joined, invited, knocked, banned, or
/// left by a kick, and rooms left by the user only when the connection was already sent them; newest activity first;
/// then each list's filters and ranges. Pure: the rows and the user's DMs and space children come in.
/// </summary>
public static class SlidingRoomList
{
    /// <summary>The rooms a list can hold, newest first.</summary>
    public static List<SlidingRoomRow> Candidates(IEnumerable<SlidingRoomRow> rows, string userId, long upTo,
        Func<string, bool> previouslySent) =>
        rows.Where(r => !r.Forgotten && r.StreamOrdering <= upTo && r.Membership switch
            {
                Memberships.Join or Memberships.Invite or Memberships.Knock or Memberships.Ban => true,
                Memberships.Leave => !string.Equals(r.MembershipSender, userId, StringComparison.Ordinal) ||
                                     previouslySent(r.RoomId),
                _ => false,
            })
            .OrderByDescending(r => r.SortStamp).ThenBy(r => r.RoomId, StringComparer.Ordinal).ToList();

    /// <summary>The candidates passing the list's filters, in order.</summary>
    public static List<SlidingRoomRow> Filter(IReadOnlyList<SlidingRoomRow> sorted, SlidingRoomFilter filter,
        IReadOnlySet<string> directRooms, IReadOnlySet<string>? spaceChildren)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return sorted.Where(r =>
            (filter.IsDm is not { } dm || directRooms.Contains(r.RoomId) == dm) &&
            (filter.IsInvite is not { } invite || (r.Membership == Memberships.Invite) == invite) &&
            (filter.IsEncrypted is not { } encrypted || r.IsEncrypted == encrypted) &&
            (filter.RoomTypes is not { } types || types.Contains(r.RoomType)) &&
            (filter.NotRoomTypes is not { } notTypes || !notTypes.Contains(r.RoomType)) &&
            (spaceChildren is null || spaceChildren.Contains(r.RoomId))).ToList();
    }

    /// <summary>The rooms the ranges select (all of them when there are no ranges), each once, in order.</summary>
    public static List<SlidingRoomRow> Window(IReadOnlyList<SlidingRoomRow> filtered,
        IReadOnlyList<(int Start, int End)>? ranges)
    {
        if (ranges is null)
        {
            return filtered.ToList();
        }

        var picked = new SortedSet<int>();
        foreach (var (start, end) in ranges)
        {
            for (var i = start; i <= end && i < filtered.Count; i++)
            {
                picked.Add(i);
            }
        }

        return picked.Select(i => filtered[i]).ToList();
    }
}
