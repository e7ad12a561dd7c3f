using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Federation.History;

/// <summary>
/// Single events, the state at an event and auth chains for other servers (<c>/event</c>, <c>/state</c>,
/// <c>/state_ids</c>, <c>/event_auth</c>). Rejected events are never served (404, as Synapse); soft-failed events and
/// outliers are, as stored. State and auth chains are served whole (Synapse filters neither); single events go through
/// <see cref="ServerEventVisibility"/>.
/// </summary>
public sealed class FederationEventService(
    HomeserverSettings settings,
    IFederationHistoryStore store,
    IRoomEventReader reader,
    FederationRoomGate gate,
    ServerEventVisibility visibility,
    TimeProvider time)
{
    /// <summary><c>GET /_matrix/federation/v1/event/{eventId}</c>: a transaction holding the one event.</summary>
    public async Task<JsonObject> GetEventAsync(ServerName origin, EventId eventId, CancellationToken cancellationToken)
    {
        var status = await store.GetStatusAsync(eventId, cancellationToken);
        if (status is null || status.Rejected)
        {
            throw NotFound(eventId);
        }

        await gate.EnsureServedAsync(origin, status.RoomId, cancellationToken);
        var stored = await reader.GetEventAsync(eventId.Value, cancellationToken) ?? throw NotFound(eventId);
        var pdus = await visibility.ServeAsync(origin, [stored], cancellationToken);
        return Transaction(pdus);
    }

    /// <summary><c>/state_ids</c> (<paramref name="idsOnly"/>) or <c>/state</c>: the state before the event and the
    /// auth chain of that state.</summary>
    public async Task<JsonObject> GetStateAsync(ServerName origin, RoomId roomId, EventId eventId, bool idsOnly,
        CancellationToken cancellationToken)
    {
        await gate.EnsureServedAsync(origin, roomId, cancellationToken);
        var status = await ServableStatusAsync(roomId, eventId, cancellationToken);
        var state = await StateBeforeAsync(eventId, status, cancellationToken);
        var stateIds = state.Values.Order(StringComparer.Ordinal).ToList();
        var chainIds = await store.GetAuthChainIdsAsync(stateIds, includeGiven: false, cancellationToken);
        if (idsOnly)
        {
            return new JsonObject
            {
                ["pdu_ids"] = new JsonArray([.. stateIds.Select(id => (JsonNode)id)]),
                ["auth_chain_ids"] = new JsonArray([.. chainIds.Select(id => (JsonNode)id)]),
            };
        }

        return new JsonObject
        {
            ["pdus"] = await LoadWholeAsync(stateIds, cancellationToken),
            ["auth_chain"] = await LoadWholeAsync(chainIds, cancellationToken),
        };
    }

    /// <summary><c>GET /_matrix/federation/v1/event_auth/{roomId}/{eventId}</c>: the event's full auth chain.</summary>
    public async Task<JsonObject> GetEventAuthAsync(ServerName origin, RoomId roomId, EventId eventId,
        CancellationToken cancellationToken)
    {
        await gate.EnsureServedAsync(origin, roomId, cancellationToken);
        await ServableStatusAsync(roomId, eventId, cancellationToken);
        var stored = await reader.GetEventAsync(eventId.Value, cancellationToken) ?? throw NotFound(eventId);
        var chainIds = await store.GetAuthChainIdsAsync(stored.Pdu.AuthEvents, includeGiven: true, cancellationToken);
        return new JsonObject { ["auth_chain"] = await LoadWholeAsync(chainIds, cancellationToken) };
    }

    /// <summary>The transaction shape of <c>/event</c> and <c>/backfill</c> answers.</summary>
    internal static JsonObject Transaction(ServerName us, long now, IEnumerable<JsonObject> pdus) => new()
    {
        ["origin"] = us.Value,
        ["origin_server_ts"] = now,
        ["pdus"] = new JsonArray([.. pdus]),
    };

    private JsonObject Transaction(IEnumerable<JsonObject> pdus) =>
        Transaction(settings.ServerName, time.GetUtcNow().ToUnixTimeMilliseconds(), pdus);

    private async Task<StoredEventStatus> ServableStatusAsync(RoomId roomId, EventId eventId,
        CancellationToken cancellationToken)
    {
        var status = await store.GetStatusAsync(eventId, cancellationToken);
        return status is null || status.Rejected || status.RoomId != roomId ? throw NotFound(eventId) : status;
    }

    /// <summary>The state before the event: its own "before" group, or the state after it without itself (what it
    /// replaced put back) for events stored before that group was kept. Outliers have none (404, as Synapse).</summary>
    private async Task<IReadOnlyDictionary<TypeAndStateKey, string>> StateBeforeAsync(EventId eventId,
        StoredEventStatus status, CancellationToken cancellationToken)
    {
        if (status.StateGroupBefore is { } before)
        {
            return await store.GetStateAsync(before, cancellationToken);
        }

        if (status.Outlier || status.StateGroupAfter is not { } after)
        {
            throw new MatrixException(ErrorCode.NotFound, $"The state at {eventId} is not known here");
        }

        var state = new Dictionary<TypeAndStateKey, string>(await store.GetStateAsync(after, cancellationToken));
        var stored = await reader.GetEventAsync(eventId.Value, cancellationToken) ?? throw NotFound(eventId);
        if (stored.Pdu.IsState && state.GetValueOrDefault(stored.Pdu.StateEntryKey) == eventId.Value)
        {
            if (stored.ReplacesState is { } replaced)
            {
                state[stored.Pdu.StateEntryKey] = replaced;
            }
            else
            {
                state.Remove(stored.Pdu.StateEntryKey);
            }
        }

        return state;
    }

    /// <summary>The events, whole (redacted only when they were), in the given order; missing ones left out.</summary>
    private async Task<JsonArray> LoadWholeAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken)
    {
        var loaded = (await reader.GetEventsAsync(eventIds, cancellationToken))
            .ToDictionary(e => e.Pdu.EventId, StringComparer.Ordinal);
        var array = new JsonArray();
        foreach (var id in eventIds)
        {
            if (loaded.TryGetValue(id, out var stored))
            {
                array.Add(FederationPduJson.Of(stored, visible: true));
            }
        }

        return array;
    }

    private static MatrixException NotFound(EventId eventId) =>
        new(ErrorCode.NotFound, $"Event {eventId} is not known here");
}
