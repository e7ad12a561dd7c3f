namespace Homeserver.Services.Push;

/// <summary>
/// How an event's push actions are stored: the action most of its members share (notify without highlight, in one
/// thread) as one bulk row standing for every member but the <see cref="Exceptions"/>, and every other member's
/// action as its own row (<see cref="Explicit"/>). A message in a room of thousands then costs a row and its few
/// exceptions instead of a row per member.
/// </summary>
/// <param name="Bulk">The shared action, or null when the actions are stored one by one.</param>
/// <param name="Explicit">Actions stored per member: of the members who do not share the bulk action, and of users
/// evaluated without being joined (an invitee).</param>
/// <param name="Exceptions">Members the bulk row does not stand for: the sender, members with another action and
/// members with none.</param>
public sealed record PushActionBulk(SharedPushAction? Bulk, IReadOnlyList<PushAction> Explicit, IReadOnlyList<string> Exceptions)
{
    /// <summary>Splits <paramref name="decided"/>; one by one when it was not evaluated on the current membership or
    /// no shared action would stand for at least as many members as it leaves out.</summary>
    public static PushActionBulk Split(EventPushActions decided)
    {
        ArgumentNullException.ThrowIfNull(decided);
        if (decided.Members is not { } members)
        {
            return new PushActionBulk(null, decided.Actions, []);
        }

        var memberSet = members.ToHashSet(StringComparer.Ordinal);
        var shared = decided.Actions
            .Where(a => a.Notify && !a.Highlight && memberSet.Contains(a.UserId))
            .GroupBy(a => (a.ThreadId, a.ActionsJson))
            .MaxBy(g => g.Count());
        if (shared is null || shared.Count() < members.Count - shared.Count())
        {
            return new PushActionBulk(null, decided.Actions, []);
        }

        var covered = shared.Select(a => a.UserId).ToHashSet(StringComparer.Ordinal);
        return new PushActionBulk(new SharedPushAction(shared.Key.ThreadId, shared.Key.ActionsJson),
            decided.Actions.Where(a => !covered.Contains(a.UserId)).ToList(),
            members.Where(m => !covered.Contains(m)).ToList());
    }
}

/// <summary>The action a bulk row stands for: it notifies, does not highlight, in thread <paramref name="ThreadId"/>.</summary>
public sealed record SharedPushAction(string ThreadId, string ActionsJson);
