using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Input;
using Microsoft.Extensions.Logging;
using EventId = Homeserver.Core.Identifiers.EventId;

namespace Homeserver.Services.Federation.Events;

/// <summary>
/// Inputs a new PDU received from another server (already verified) into a room we know, fetching from that server
/// what the room writer says it misses (server-server API, "Checks performed on receipt of a PDU"; Synapse's
/// <c>_get_missing_events_for_pdu</c> and <c>_get_state_ids_after_missing_prev_event</c> for the shape):
/// missing auth events are fetched with their auth chains and stored as outliers; missing prev events are asked for
/// with <c>/get_missing_events</c> (between our forward extremities and the PDU) and input oldest first; when a gap
/// remains, the state before the PDU is fetched (<c>/state_ids</c>, then <c>/event</c> or <c>/state</c>), stored as
/// outliers, and the PDU input on it. Bounded by <see cref="RemoteFetchLimits"/> per PDU.
/// </summary>
public sealed partial class RemotePduInput(RoomWriter writer, IRoomEventWriter heads, IRoomInputStore store,
    RemoteEventFetcher fetcher, ILogger<RemotePduInput> logger)
{
    public RemoteFetchLimits Limits { get; init; } = RemoteFetchLimits.Default;

    /// <exception cref="FederationException">A fetch that was needed failed.</exception>
    /// <exception cref="FetchLimitExceededException">The PDU needed more fetching than allowed.</exception>
    public async Task<InputResult> InputNewAsync(ServerName origin, Pdu pdu, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        var budget = new RemoteFetchBudget(Limits);
        var input = new InputEvent(pdu, InputKind.New, origin);
        var result = await InputFillingAuthAsync(input, budget, cancellationToken);
        if (result.Status != InputStatus.MissingEvents)
        {
            return result;
        }

        await PullMissingEventsAsync(origin, pdu, budget, cancellationToken);
        result = await InputFillingAuthAsync(input, budget, cancellationToken);
        if (result.Status != InputStatus.MissingEvents)
        {
            return result;
        }

        var stateBefore = await FetchStateBeforeAsync(origin, pdu, budget, cancellationToken);
        return await InputFillingAuthAsync(input with { StateBefore = stateBefore }, budget, cancellationToken);
    }

    /// <summary>
    /// Inputs an older event pulled with /backfill (already verified) before the room's timeline, at the reserved
    /// <paramref name="position"/>: its missing auth
    /// events fetched; when its prev events are not stored with state (the oldest of a batch), the state before it is
    /// fetched from <paramref name="origin"/> and it is input on that.
    /// </summary>
    /// <exception cref="FederationException">A fetch that was needed failed.</exception>
    /// <exception cref="FetchLimitExceededException">The event needed more fetching than allowed.</exception>
    public async Task<InputResult> InputBackfilledAsync(ServerName origin, Pdu pdu, long position,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        var budget = new RemoteFetchBudget(Limits);
        var input = new InputEvent(pdu, InputKind.Backfill, origin) { BackfillPosition = position };
        var result = await InputFillingAuthAsync(input, budget, cancellationToken);
        if (result.Status != InputStatus.MissingEvents)
        {
            return result;
        }

        var stateBefore = await FetchStateBeforeAsync(origin, pdu, budget, cancellationToken);
        return await InputFillingAuthAsync(input with { StateBefore = stateBefore }, budget, cancellationToken);
    }

    /// <summary>Inputs the event; when auth events (or state-before events) are missing, fetches and stores them,
    /// then inputs it again.</summary>
    private async Task<InputResult> InputFillingAuthAsync(InputEvent input, RemoteFetchBudget budget,
        CancellationToken cancellationToken)
    {
        var result = await writer.InputAsync(input, cancellationToken);
        if (result.Status != InputStatus.MissingEvents)
        {
            return result;
        }

        var prevEvents = input.StateBefore is null ? input.Pdu.PrevEvents.ToHashSet(StringComparer.Ordinal) : [];
        var notPrev = result.Missing!.Where(id => !prevEvents.Contains(id.Value)).ToList();
        if (notPrev.Count == 0)
        {
            return result;
        }

        await StoreOutliersAsync(input.Origin, input.Pdu, notPrev, [], budget, cancellationToken);
        return await writer.InputAsync(input, cancellationToken);
    }

    /// <summary>The events between our forward extremities and the PDU, input oldest first (those that still miss
    /// something are left for the state fetch).</summary>
    private async Task PullMissingEventsAsync(ServerName origin, Pdu pdu, RemoteFetchBudget budget,
        CancellationToken cancellationToken)
    {
        var roomId = RoomId.Parse(pdu.RoomId);
        var head = await heads.GetHeadAsync(roomId.Value, cancellationToken);
        if (head is null)
        {
            return;
        }

        IReadOnlyList<Pdu> pulled;
        try
        {
            pulled = await fetcher.GetMissingEventsAsync(origin, roomId, pdu.Version,
                head.ForwardExtremities.Select(e => EventId.Parse(e.EventId)).ToList(), [EventId.Parse(pdu.EventId)],
                budget.Limits.MissingEventsLimit, 0, cancellationToken);
        }
        catch (FederationException e)
        {
            LogFetchFailed(logger, origin.Value, pdu.RoomId, pdu.EventId, "get_missing_events", e.Message);
            return;
        }

        budget.TakeEvents(pulled.Count);
        foreach (var earlier in pulled.Where(e => e.EventId != pdu.EventId).OrderBy(e => e.Depth)
                     .ThenBy(e => e.OriginServerTs).ThenBy(e => e.EventId, StringComparer.Ordinal))
        {
            try
            {
                await InputFillingAuthAsync(new InputEvent(earlier, InputKind.New, origin), budget, cancellationToken);
            }
            catch (FederationException e)
            {
                LogFetchFailed(logger, origin.Value, pdu.RoomId, earlier.EventId, "event", e.Message);
            }
        }
    }

    /// <summary>The state before the PDU as the origin has it, its events stored (outliers at least): the IDs of
    /// those stored and not rejected, for <see cref="InputEvent.StateBefore"/>.</summary>
    private async Task<IReadOnlyCollection<EventId>> FetchStateBeforeAsync(ServerName origin, Pdu pdu,
        RemoteFetchBudget budget, CancellationToken cancellationToken)
    {
        var roomId = RoomId.Parse(pdu.RoomId);
        var eventId = EventId.Parse(pdu.EventId);
        var ids = await fetcher.GetStateIdsAsync(origin, roomId, eventId, cancellationToken);
        var all = ids.StateIds.Concat(ids.AuthChainIds).Select(id => id.Value).Distinct(StringComparer.Ordinal)
            .ToList();
        var known = await store.GetEventsAsync(all, cancellationToken);
        var unknown = all.Where(id => !known.ContainsKey(id)).ToList();
        budget.TakeEvents(unknown.Count);
        if (unknown.Count > budget.Limits.StateRequestThreshold)
        {
            var state = await fetcher.GetStateAsync(origin, roomId, pdu.Version, eventId, cancellationToken);
            var wanted = unknown.ToHashSet(StringComparer.Ordinal);
            var fetched = state.State.Concat(state.AuthChain).Where(e => wanted.Contains(e.EventId)).ToList();
            await StoreOutliersAsync(origin, pdu, [], fetched, budget, cancellationToken);
        }
        else
        {
            await StoreOutliersAsync(origin, pdu, unknown.Select(EventId.Parse).ToList(), [], budget,
                cancellationToken);
        }

        var stored = await store.GetEventsAsync(ids.StateIds.Select(id => id.Value).ToList(), cancellationToken);
        return ids.StateIds.Where(id => stored.TryGetValue(id.Value, out var e) && !e.Rejected).ToList();
    }

    /// <summary>
    /// Stores events as outliers, each after its auth events: <paramref name="fetched"/> as given and
    /// <paramref name="wanted"/> fetched one by one (<c>/event</c>), with the auth events any of them misses. Each is
    /// checked against its auth events by the room writer (rejected if it fails them); one whose auth events cannot
    /// be had is not stored.
    /// </summary>
    private async Task StoreOutliersAsync(ServerName origin, Pdu forPdu, IReadOnlyCollection<EventId> wanted,
        IReadOnlyCollection<Pdu> fetched, RemoteFetchBudget budget, CancellationToken cancellationToken)
    {
        var roomId = RoomId.Parse(forPdu.RoomId);
        var events = fetched.ToDictionary(e => e.EventId, StringComparer.Ordinal);
        var queue = new Queue<string>(wanted.Select(id => id.Value));
        foreach (var e in fetched)
        {
            foreach (var authId in e.AuthEvents)
            {
                queue.Enqueue(authId);
            }
        }

        var asked = new HashSet<string>(StringComparer.Ordinal);
        while (queue.Count > 0)
        {
            var id = queue.Dequeue();
            if (events.ContainsKey(id) || !asked.Add(id) || id == forPdu.EventId ||
                (await store.GetEventsAsync([id], cancellationToken)).Count > 0)
            {
                continue;
            }

            budget.TakeEventRequest();
            var pdu = await fetcher.GetEventAsync(origin, roomId, forPdu.Version, EventId.Parse(id), cancellationToken);
            if (pdu is null)
            {
                LogFetchFailed(logger, origin.Value, forPdu.RoomId, id, "event", "no valid event of that ID");
                continue;
            }

            events[id] = pdu;
            foreach (var authId in pdu.AuthEvents)
            {
                queue.Enqueue(authId);
            }
        }

        foreach (var pdu in AuthOrder(events))
        {
            var result = await writer.InputAsync(new InputEvent(pdu, InputKind.Outlier, origin), cancellationToken);
            if (result.Status == InputStatus.MissingEvents)
            {
                LogFetchFailed(logger, origin.Value, forPdu.RoomId, pdu.EventId, "auth events",
                    "its auth events could not be had");
            }
        }
    }

    /// <summary>The events in an order where each comes after those of its auth events that are among them.</summary>
    private static List<Pdu> AuthOrder(Dictionary<string, Pdu> events)
    {
        var ordered = new List<Pdu>(events.Count);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var onPath = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in events.Values.OrderBy(e => e.Depth).ThenBy(e => e.EventId, StringComparer.Ordinal))
        {
            var stack = new Stack<(Pdu Event, int Next)>();
            if (!done.Contains(start.EventId))
            {
                stack.Push((start, 0));
                onPath.Add(start.EventId);
            }

            while (stack.Count > 0)
            {
                var (pdu, next) = stack.Pop();
                if (next < pdu.AuthEvents.Count)
                {
                    stack.Push((pdu, next + 1));
                    var authId = pdu.AuthEvents[next];
                    if (events.TryGetValue(authId, out var auth) && !done.Contains(authId) && onPath.Add(authId))
                    {
                        stack.Push((auth, 0));
                    }

                    continue;
                }

                onPath.Remove(pdu.EventId);
                if (done.Add(pdu.EventId))
                {
                    ordered.Add(pdu);
                }
            }
        }

        return ordered;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Could not fetch from {Server} for {RoomId} ({EventId}) with {Request}: {Reason}")]
    private static partial void LogFetchFailed(ILogger logger, string server, string roomId, string eventId,
        string request, string reason);
}
