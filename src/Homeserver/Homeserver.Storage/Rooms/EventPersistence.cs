using Homeserver.Core.Events;
using Homeserver.Services.Push;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Input;
using Homeserver.Storage.Push;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>
/// Writing decided events of one or more rooms in one transaction: state groups first (no stream position needed),
/// then one batch holding the global stream lock, every event's rows and each room's new head, then commit.
/// </summary>
internal static class EventPersistence
{
    // Any constant, the same in every process ("HSSTREAM").
    private const long StreamLockKey = 0x4853535452454D;

    /// <summary>One room's events with their state groups, and the head after them.</summary>
    public sealed record Prepared(RoomHead Head, RoomHead After, IReadOnlyList<NewRoomEvent> Events,
        IReadOnlyList<EventGroups> Groups)
    {
        /// <summary>Each event's push actions, written with it (none when no evaluator is configured).</summary>
        public IReadOnlyList<EventPushActions>? PushActions { get; init; }
    }

    /// <summary>An event's state groups (the state before and after it; null for an outlier) and the state event it
    /// replaced in the current state.</summary>
    public sealed record EventGroups(long? Before, long? After, string? Replaces);

    /// <summary>The prepared room with its events' push actions (evaluated on the state before each event).</summary>
    public static async Task<Prepared> WithPushActionsAsync(IPushActionEvaluator? evaluator, Prepared room,
        CancellationToken cancellationToken) =>
        evaluator is null
            ? room
            : room with { PushActions = await evaluator.EvaluateAsync(room.Head, room.Events, cancellationToken) };

    /// <summary>Whether the room's events may leave pending push actions (<see cref="PushActionRows"/>).</summary>
    public static bool WritesPushActions(Prepared room) => room.PushActions?.Any(push => push.Actions.Count > 0) == true;

    /// <summary>Creates the state groups of the state events among <paramref name="events"/>; their chain lengths
    /// go to <paramref name="chains"/>, to be remembered if the transaction commits.</summary>
    public static async Task<Prepared> PrepareAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        StateGroupChains.Scope chains, RoomHead head, IReadOnlyList<NewRoomEvent> events,
        CancellationToken cancellationToken)
    {
        var groups = new List<EventGroups>(events.Count);
        var current = head;
        foreach (var item in events)
        {
            var pdu = item.Pdu;
            if (item.Placement is { } placement)
            {
                var (placed, next) = await PlacedGroups.CreateAsync(connection, transaction, chains, current, pdu,
                    placement, cancellationToken);
                groups.Add(placed);
                current = next;
                continue;
            }

            var group = current.StateGroup;
            var groupBefore = group;
            string? replaces = null;
            if (pdu.IsState)
            {
                replaces = current.State.GetValueOrDefault(pdu.StateEntryKey)?.EventId;
                var next = current.After(pdu);
                group = await StateGroups.CreateAsync(connection, transaction, chains, head.RoomId, current.StateGroup,
                    [pdu], next.State, cancellationToken);
                current = next with { StateGroup = group };
            }
            else
            {
                current = WithRedactedState(current.After(pdu), pdu);
            }

            groups.Add(new EventGroups(pdu.IsState ? groupBefore : group, group, replaces));
        }

        return new Prepared(head, current, events, groups);
    }

    /// <summary>Prepares events none of which is a state event (no state group to create, so no database work).</summary>
    public static Prepared PrepareWithoutState(RoomHead head, IReadOnlyList<NewRoomEvent> events)
    {
        var current = head;
        foreach (var item in events)
        {
            current = item.Pdu.IsState
                ? throw new InvalidOperationException("A state event needs PrepareAsync")
                : WithRedactedState(current.After(item.Pdu), item.Pdu);
        }

        return new Prepared(head, current, events,
            events.Select(_ => new EventGroups(head.StateGroup, head.StateGroup, null)).ToList());
    }

    /// <summary>
    /// Runs one batch with the stream lock, the rows of every prepared room and their new heads, and returns each
    /// room's persisted events (stream positions in order), with the room's head after them. Does not commit.
    /// </summary>
    public static async Task<List<(IReadOnlyList<PersistedEvent> Events, RoomHead After)>> WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<Prepared> rooms,
        CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        AddWrites(batch, rooms);
        return await ReadResultsAsync(batch, rooms, cancellationToken);
    }

    /// <summary>Adds the stream lock, the rows of every prepared room and their new heads to <paramref name="batch"/>.</summary>
    public static void AddWrites(NpgsqlBatch batch, IReadOnlyList<Prepared> rooms)
    {
        AddStreamLock(batch);
        foreach (var room in rooms)
        {
            var head = room.Head;
            for (var i = 0; i < room.Events.Count; i++)
            {
                var item = room.Events[i];
                if (item.Placement is { } placement)
                {
                    PlacedEventRows.Add(batch, item, placement, room.Groups[i], head);
                    head = head.After(placement);
                }
                else
                {
                    EventRows.Add(batch, item, room.Groups[i].Before, room.Groups[i].After, room.Groups[i].Replaces);
                }

                if (room.PushActions is { } push && push[i].Actions.Count > 0)
                {
                    PushActionRows.Add(batch, room.Events[i].Pdu, push[i]);
                }
            }

            if (room.Events.Any(MovesHead))
            {
                EventRows.Command(batch, """
                    UPDATE rooms SET last_stream = currval('event_stream_seq'), current_state_group = $1
                    WHERE room_id = $2
                    """, room.After.StateGroup, room.Head.RoomId);
            }
        }
    }

    /// <summary>The global stream lock, held from the first position assigned to commit (positions become visible in
    /// order).</summary>
    public static void AddStreamLock(NpgsqlBatch batch) =>
        EventRows.Command(batch, "SELECT pg_advisory_xact_lock($1)", StreamLockKey);

    /// <summary>Runs a batch holding <see cref="AddWrites"/> and reads each room's persisted events from it.</summary>
    public static async Task<List<(IReadOnlyList<PersistedEvent> Events, RoomHead After)>> ReadResultsAsync(
        NpgsqlBatch batch, IReadOnlyList<Prepared> rooms, CancellationToken cancellationToken)
    {
        var positions = await ReadPositionsAsync(batch, rooms.Sum(r => r.Events.Count), cancellationToken);
        var results = new List<(IReadOnlyList<PersistedEvent>, RoomHead)>(rooms.Count);
        var next = 0;
        foreach (var room in rooms)
        {
            var persisted = new List<PersistedEvent>(room.Events.Count);
            var lastStream = room.Head.LastStream;
            foreach (var item in room.Events)
            {
                if (positions[next++] is not { } position)
                {
                    continue; // no timeline position: an outlier, a rejected or soft-failed event
                }

                persisted.Add(new PersistedEvent(item.Pdu, position));
                lastStream = MovesHead(item) ? position : lastStream;
            }

            results.Add((persisted, room.After with { LastStream = lastStream }));
        }

        return results;
    }

    /// <summary>Runs the batch and reads each event's stream position from its INSERT ... RETURNING, in order
    /// (the only statements whose result is a <c>stream_ordering</c> column).</summary>
    private static async Task<List<long?>> ReadPositionsAsync(NpgsqlBatch batch, int expected,
        CancellationToken cancellationToken)
    {
        var positions = new List<long?>(expected);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        do
        {
            if (reader.FieldCount == 1 && reader.GetName(0) == "stream_ordering" &&
                await reader.ReadAsync(cancellationToken))
            {
                positions.Add(await reader.IsDBNullAsync(0, cancellationToken) ? null : reader.GetInt64(0));
            }
        }
        while (await reader.NextResultAsync(cancellationToken));

        return positions.Count == expected
            ? positions
            : throw new InvalidOperationException("An event insert returned no stream position");
    }

    /// <summary>Whether the event takes a position in the room's live timeline (every local event does; backfilled
    /// events are placed before it, outliers, rejected and soft-failed events nowhere).</summary>
    private static bool MovesHead(NewRoomEvent item) =>
        item.Placement is not { } placement || (placement.InTimeline && placement.Kind == InputKind.New);

    // The auth rules read redacted state events in their redacted form: a redaction of a current state event
    // changes what the next events are checked against.
    internal static RoomHead WithRedactedState(RoomHead head, Pdu pdu)
    {
        if (pdu.Type != EventTypes.Redaction || pdu.Redacts is not { } target ||
            head.State.Values.FirstOrDefault(e => e.EventId == target) is not { } stateEvent)
        {
            return head;
        }

        return head with { State = head.State.SetItem(stateEvent.StateEntryKey, RoomHeads.Redacted(stateEvent)) };
    }
}
