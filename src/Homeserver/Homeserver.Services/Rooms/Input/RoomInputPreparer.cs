using System.Collections.Immutable;
using Homeserver.Core.Auth;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Rooms.Input;

/// <summary>
/// Places an input event on a room head, outside the room's lock (server-server API, "Checks performed on receipt of
/// a PDU", steps 4 to 6): the state before it (the current state when its prev events are the forward extremities;
/// else the state after its prev events, resolved with the room version's algorithm; or the state-before it came
/// with), auth against its auth events and that state (rejected otherwise), soft failure against the current state,
/// then the new forward extremities and, when they moved, the new current state (the resolution of the states at
/// them). The result is appended only if the head is still the one it was placed on.
/// </summary>
internal sealed class RoomInputPreparer(IRoomInputStore store)
{
    /// <summary>The event placed, or the events it needs that are not stored.</summary>
    public sealed record Outcome(NewRoomEvent? Event, IReadOnlyList<string> Missing);

    public async Task<Outcome> PrepareAsync(InputEvent input, RoomHead head, CancellationToken cancellationToken)
    {
        var pdu = input.Pdu;
        var events = new EventSet(store, head.RoomId, head.Version);
        var createId = head.Version.RoomIdIsCreateEventId ? RoomId.Parse(head.RoomId).ToCreateEventId().Value : null;
        var needed = new List<string>(pdu.AuthEvents);
        if (createId is not null)
        {
            needed.Add(createId);
        }

        if (input.StateBefore is { } given)
        {
            needed.AddRange(given.Select(id => id.Value));
        }
        else if (input.Kind != InputKind.Outlier)
        {
            needed.AddRange(pdu.PrevEvents);
        }

        var missing = await events.LoadAsync(needed, cancellationToken);
        if (input.StateBefore is null && input.Kind != InputKind.Outlier)
        {
            // A prev event known only as an outlier has no state to start from.
            missing.AddRange(pdu.PrevEvents.Where(id => events.Get(id) is { StateGroupAfter: null }));
        }

        if (missing.Count > 0)
        {
            return new Outcome(null, missing.Distinct(StringComparer.Ordinal).ToList());
        }

        var placement = new EventPlacement(input.Kind);
        var fastPath = input.StateBefore is null && head.PrevEventsAreExtremities(pdu);
        if (input.Kind != InputKind.Outlier)
        {
            var (before, group) = fastPath
                ? (head.State, head.StateGroup)
                : await StateBeforeAsync(input, head.Version, events, cancellationToken);
            placement = placement with { StateBefore = before, StateBeforeGroup = group };
        }

        var authEvents = pdu.AuthEvents.Select(id => events.Get(id)!).ToList();
        var create = createId is null ? null : events.Get(createId)!.Pdu;
        var result = EventAuthorizer.AuthorizeWithAuthEvents(pdu, authEvents.Select(e => e.Pdu).ToList(), create,
            id => events.Get(id)?.Rejected ?? false);
        if (result.IsAllowed && placement.StateBefore is { } stateBefore)
        {
            result = EventAuthorizer.Authorize(pdu, new StateMap(stateBefore.Values));
        }

        if (!result.IsAllowed)
        {
            return Placed(input, placement with { RejectedReason = result.Reason ?? "auth rules" });
        }

        if (input.Kind != InputKind.New)
        {
            return Placed(input, placement);
        }

        if (!fastPath)
        {
            var current = await CurrentStateAsync(head, placement.StateBefore!, events, cancellationToken);
            if (!EventAuthorizer.Authorize(pdu, new StateMap(current.Values)).IsAllowed)
            {
                return Placed(input, placement with { SoftFailed = true });
            }
        }

        return Placed(input, await WithNewHeadAsync(pdu, head, placement, fastPath, events, cancellationToken));
    }

    private static Outcome Placed(InputEvent input, EventPlacement placement) =>
        new(new NewRoomEvent(input.Pdu, input.Transaction)
        {
            Placement = input.Kind == InputKind.Backfill
                ? placement with { BackfillPosition = input.BackfillPosition }
                : placement,
        }, []);

    /// <summary>The state before a new or backfilled event that does not follow the head.</summary>
    private async Task<(ImmutableDictionary<TypeAndStateKey, Pdu> State, long? Group)> StateBeforeAsync(
        InputEvent input, RoomVersion version, EventSet events, CancellationToken cancellationToken)
    {
        if (input.StateBefore is { } given)
        {
            return (given.Select(id => events.Get(id.Value)!.Pdu).Where(p => p.IsState)
                .ToImmutableDictionary(p => p.StateEntryKey), null);
        }

        var groups = input.Pdu.PrevEvents.Select(id => events.Get(id)!.StateGroupAfter!.Value).Distinct().ToList();
        if (groups.Count == 1)
        {
            return (await events.StateOfGroupAsync(groups[0], cancellationToken), groups[0]);
        }

        var sets = new List<IReadOnlyDictionary<TypeAndStateKey, string>>(groups.Count);
        foreach (var group in groups)
        {
            sets.Add(await store.GetStateAsync(group, cancellationToken));
        }

        return (await events.ResolveAsync(sets, cancellationToken), null);
    }

    /// <summary>The room's current state as soft failure sees it: the states at the forward extremities and the
    /// state before the event, resolved (as Synapse does).</summary>
    private static async Task<ImmutableDictionary<TypeAndStateKey, Pdu>> CurrentStateAsync(RoomHead head,
        ImmutableDictionary<TypeAndStateKey, Pdu> stateBefore, EventSet events, CancellationToken cancellationToken)
    {
        var sets = await events.StatesAtAsync(head.ForwardExtremities.Select(e => e.EventId), cancellationToken);
        sets.Add(stateBefore.ToDictionary(p => p.Key, p => p.Value.EventId));
        return await events.ResolveAsync(sets, cancellationToken);
    }

    /// <summary>The forward extremities after a new event (the old ones but its prev events, and the event unless a
    /// stored event already follows it) and, when they moved, the current state at them.</summary>
    private async Task<EventPlacement> WithNewHeadAsync(Pdu pdu, RoomHead head, EventPlacement placement,
        bool fastPath, EventSet events, CancellationToken cancellationToken)
    {
        var stateAfter = pdu.IsState ? placement.StateBefore!.SetItem(pdu.StateEntryKey, pdu) : placement.StateBefore!;
        if (fastPath)
        {
            return placement with { ExtremitiesAfter = [pdu], CurrentStateAfter = stateAfter, FollowsHead = true };
        }

        var kept = head.ForwardExtremities.Where(e => !pdu.PrevEvents.Contains(e.EventId, StringComparer.Ordinal))
            .ToList();
        var referenced = await store.IsReferencedAsync(pdu.EventId, cancellationToken);
        if (referenced && kept.Count == head.ForwardExtremities.Count)
        {
            return placement;
        }

        List<Pdu> extremities = referenced ? kept : [.. kept, pdu];
        if (extremities.Count == 0)
        {
            return placement;
        }

        if (extremities.Count == 1 && extremities[0] == pdu)
        {
            return placement with { ExtremitiesAfter = extremities, CurrentStateAfter = stateAfter };
        }

        var sets = await events.StatesAtAsync(kept.Select(e => e.EventId), cancellationToken);
        if (!referenced)
        {
            sets.Add(stateAfter.ToDictionary(p => p.Key, p => p.Value.EventId));
        }

        events.Add(pdu);
        return placement with
        {
            ExtremitiesAfter = extremities,
            CurrentStateAfter = await events.ResolveAsync(sets, cancellationToken),
        };
    }
}
