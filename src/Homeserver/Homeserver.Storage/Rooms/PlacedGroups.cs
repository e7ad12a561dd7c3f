using System.Collections.Immutable;
using Homeserver.Core.Events;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Input;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>
/// The state groups of an event placed by the input path: the state before it (a group already stored, else a new
/// one), the state after it (before plus its own entry when it takes effect), and the room's current state when
/// the event moved it somewhere else than the state after it (a resolution of forward extremities).
/// </summary>
internal static class PlacedGroups
{
    public static async Task<(EventPersistence.EventGroups Groups, RoomHead Next)> CreateAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, StateGroupChains.Scope chains, RoomHead head,
        Pdu pdu, EventPlacement placement, CancellationToken cancellationToken)
    {
        if (placement.StateBefore is not { } before)
        {
            return (new EventPersistence.EventGroups(null, null, null), head);
        }

        var replaces = pdu.IsState ? before.GetValueOrDefault(pdu.StateEntryKey)?.EventId : null;

        var beforeGroup = placement.StateBeforeGroup ??
                          await GroupForAsync(connection, transaction, chains, head, before, head.State, head.StateGroup,
                              cancellationToken);
        var after = before;
        var afterGroup = beforeGroup;
        if (placement.TakesEffect && pdu.IsState)
        {
            after = before.SetItem(pdu.StateEntryKey, pdu);
            afterGroup = await StateGroups.CreateAsync(connection, transaction, chains, head.RoomId, beforeGroup, [pdu],
                after, cancellationToken);
        }

        var next = head.After(placement);
        if (placement.CurrentStateAfter is not { } current)
        {
            return (new EventPersistence.EventGroups(beforeGroup, afterGroup, replaces), next);
        }

        var currentGroup = SameState(current, after)
            ? afterGroup
            : await GroupForAsync(connection, transaction, chains, head, current, after, afterGroup, cancellationToken);
        if (placement.Kind == InputKind.New && placement.InTimeline)
        {
            next = EventPersistence.WithRedactedState(next, pdu);
        }

        return (new EventPersistence.EventGroups(beforeGroup, afterGroup, replaces),
            next with { StateGroup = currentGroup });
    }

    /// <summary>A group holding <paramref name="state"/>: <paramref name="baseGroup"/> itself when it holds the
    /// same, a delta on it when only entries were added or replaced, else a full snapshot.</summary>
    private static async Task<long> GroupForAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        StateGroupChains.Scope chains, RoomHead head, ImmutableDictionary<TypeAndStateKey, Pdu> state,
        ImmutableDictionary<TypeAndStateKey, Pdu> baseState, long? baseGroup, CancellationToken cancellationToken)
    {
        var changes = state.Values
            .Where(p => baseState.GetValueOrDefault(p.StateEntryKey)?.EventId != p.EventId).ToList();
        var removals = baseState.Keys.Any(k => !state.ContainsKey(k));
        if (baseGroup is { } unchanged && changes.Count == 0 && !removals)
        {
            return unchanged;
        }

        return await StateGroups.CreateAsync(connection, transaction, chains, head.RoomId,
            removals ? null : baseGroup, changes, state, cancellationToken);
    }

    private static bool SameState(ImmutableDictionary<TypeAndStateKey, Pdu> a, ImmutableDictionary<TypeAndStateKey, Pdu> b) =>
        ReferenceEquals(a, b) ||
        (a.Count == b.Count && a.All(p => b.GetValueOrDefault(p.Key)?.EventId == p.Value.EventId));
}
