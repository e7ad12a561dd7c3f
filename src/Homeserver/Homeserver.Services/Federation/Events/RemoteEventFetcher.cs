using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Client;
using Microsoft.Extensions.Logging;
using EventId = Homeserver.Core.Identifiers.EventId;

namespace Homeserver.Services.Federation.Events;

/// <summary>The state at an event as another server named it (<c>/state_ids</c>): event IDs only.</summary>
/// <param name="StateIds">The room state before the event.</param>
/// <param name="AuthChainIds">The auth chain of that state.</param>
public sealed record RemoteStateIds(IReadOnlyList<EventId> StateIds, IReadOnlyList<EventId> AuthChainIds);

/// <summary>The state at an event with its auth chain (<c>/state</c>), each event verified.</summary>
public sealed record RemoteState(IReadOnlyList<Pdu> State, IReadOnlyList<Pdu> AuthChain);

/// <summary>
/// The client side of the federation reads of room events (server-server API, "Retrieving events", "Backfilling and
/// retrieving missing events", "Room State"): <c>/event</c>, <c>/get_missing_events</c>, <c>/state_ids</c>,
/// <c>/state</c>, <c>/event_auth</c>. Every returned event passes <see cref="RemotePduVerifier"/> (signatures, hash:
/// redacted on mismatch) and must belong to the room asked about; an event that does not is left out (logged), never
/// returned. Transport failures and answers of the wrong shape throw <see cref="FederationException"/>.
/// </summary>
public sealed partial class RemoteEventFetcher(FederationClient client, RemotePduVerifier verifier,
    ILogger<RemoteEventFetcher> logger)
{
    private const string Prefix = "/_matrix/federation/v1";

    /// <summary>One event by ID (<c>GET /event/{eventId}</c>); null when the answer holds no valid event of that ID
    /// in that room.</summary>
    public async Task<Pdu?> GetEventAsync(ServerName server, RoomId roomId, RoomVersion version, EventId eventId,
        CancellationToken cancellationToken)
    {
        var answer = await GetAsync(server, $"{Prefix}/event/{Escape(eventId.Value)}", cancellationToken);
        var events = await VerifyAllAsync(server, roomId, version, Array(server, answer, "pdus"), cancellationToken);
        return events.FirstOrDefault(e => e.EventId == eventId.Value);
    }

    /// <summary>
    /// The events before <paramref name="latest"/> that are not before <paramref name="earliest"/>
    /// (<c>POST /get_missing_events/{roomId}</c>), at most <paramref name="limit"/> of them, as the server ordered them.
    /// </summary>
    public async Task<IReadOnlyList<Pdu>> GetMissingEventsAsync(ServerName server, RoomId roomId, RoomVersion version,
        IReadOnlyCollection<EventId> earliest, IReadOnlyCollection<EventId> latest, int limit, long minDepth,
        CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["earliest_events"] = new JsonArray(earliest.Select(id => (JsonNode)id.Value).ToArray()),
            ["latest_events"] = new JsonArray(latest.Select(id => (JsonNode)id.Value).ToArray()),
            ["limit"] = limit,
            ["min_depth"] = minDepth,
        };
        var response = await client.SendAsync(HttpMethod.Post, server,
            $"{Prefix}/get_missing_events/{Escape(roomId.Value)}", JsonSerializer.SerializeToUtf8Bytes(body),
            cancellationToken);
        var raw = Array(server, Parse(server, response), "events").Take(limit).ToList();
        return await VerifyAllAsync(server, roomId, version, raw, cancellationToken);
    }

    /// <summary>
    /// Older events of the room (<c>GET /backfill/{roomId}</c>): those given in <paramref name="from"/> and their
    /// ancestors, at most <paramref name="limit"/>, as the server ordered them.
    /// </summary>
    public async Task<IReadOnlyList<Pdu>> GetBackfillAsync(ServerName server, RoomId roomId, RoomVersion version,
        IReadOnlyCollection<EventId> from, int limit, CancellationToken cancellationToken)
    {
        var query = string.Join('&', from.Select(id => "v=" + Escape(id.Value))) + "&limit=" + limit;
        var answer = await GetAsync(server, $"{Prefix}/backfill/{Escape(roomId.Value)}?{query}", cancellationToken);
        var raw = Array(server, answer, "pdus").Take(limit).ToList();
        return await VerifyAllAsync(server, roomId, version, raw, cancellationToken);
    }

    /// <summary>The IDs of the state before an event and of its auth chain (<c>GET /state_ids/{roomId}</c>).</summary>
    public async Task<RemoteStateIds> GetStateIdsAsync(ServerName server, RoomId roomId, EventId eventId,
        CancellationToken cancellationToken)
    {
        var answer = await GetAsync(server,
            $"{Prefix}/state_ids/{Escape(roomId.Value)}?event_id={Escape(eventId.Value)}", cancellationToken);
        return new RemoteStateIds(EventIds(server, answer, "pdu_ids"), EventIds(server, answer, "auth_chain_ids"));
    }

    /// <summary>The state before an event and its auth chain, as events (<c>GET /state/{roomId}</c>).</summary>
    public async Task<RemoteState> GetStateAsync(ServerName server, RoomId roomId, RoomVersion version,
        EventId eventId, CancellationToken cancellationToken)
    {
        var answer = await GetAsync(server,
            $"{Prefix}/state/{Escape(roomId.Value)}?event_id={Escape(eventId.Value)}", cancellationToken);
        return new RemoteState(
            await VerifyAllAsync(server, roomId, version, Array(server, answer, "pdus"), cancellationToken),
            await VerifyAllAsync(server, roomId, version, Array(server, answer, "auth_chain"), cancellationToken));
    }

    /// <summary>The auth chain of an event (<c>GET /event_auth/{roomId}/{eventId}</c>).</summary>
    public async Task<IReadOnlyList<Pdu>> GetEventAuthAsync(ServerName server, RoomId roomId, RoomVersion version,
        EventId eventId, CancellationToken cancellationToken)
    {
        var answer = await GetAsync(server,
            $"{Prefix}/event_auth/{Escape(roomId.Value)}/{Escape(eventId.Value)}", cancellationToken);
        return await VerifyAllAsync(server, roomId, version, Array(server, answer, "auth_chain"), cancellationToken);
    }

    private async Task<JsonObject> GetAsync(ServerName server, string uri, CancellationToken cancellationToken) =>
        Parse(server, await client.SendAsync(HttpMethod.Get, server, uri, null, cancellationToken));

    private async Task<List<Pdu>> VerifyAllAsync(ServerName server, RoomId roomId, RoomVersion version,
        IEnumerable<JsonNode?> raw, CancellationToken cancellationToken)
    {
        var kept = new List<Pdu>();
        foreach (var node in raw)
        {
            if (node is not JsonObject pdu)
            {
                LogDropped(logger, server.Value, roomId.Value, "?", "not a JSON object");
                continue;
            }

            // A v12 create event has no room_id (the room's ID is its own): its room is known once it is parsed.
            if (pdu["room_id"] is { } roomNode &&
                (roomNode is not JsonValue roomValue || !roomValue.TryGetValue<string>(out var inRoom) ||
                 inRoom != roomId.Value))
            {
                LogDropped(logger, server.Value, roomId.Value, "?", "not an event of the room asked about");
                continue;
            }

            var verified = await verifier.VerifyAsync(pdu, version, cancellationToken);
            if (verified.Pdu is null)
            {
                LogDropped(logger, server.Value, roomId.Value, "?", verified.Error ?? "invalid");
                continue;
            }

            if (verified.Pdu.RoomId != roomId.Value)
            {
                LogDropped(logger, server.Value, roomId.Value, verified.Pdu.EventId,
                    "not an event of the room asked about");
                continue;
            }

            kept.Add(verified.Pdu);
        }

        return kept;
    }

    private static JsonObject Parse(ServerName server, FederationResponse response)
    {
        try
        {
            return JsonNode.Parse(response.Body) as JsonObject ?? throw Invalid(server, "the answer is not an object");
        }
        catch (JsonException e)
        {
            throw new FederationException(server, FederationFailure.InvalidResponse,
                "the answer is not JSON: " + e.Message, e);
        }
    }

    private static JsonArray Array(ServerName server, JsonObject answer, string property) =>
        answer[property] as JsonArray ?? throw Invalid(server, $"the answer has no array '{property}'");

    private static List<EventId> EventIds(ServerName server, JsonObject answer, string property)
    {
        var ids = new List<EventId>();
        foreach (var node in Array(server, answer, property))
        {
            if (node is not JsonValue value || !value.TryGetValue<string>(out var text) ||
                !EventId.TryParse(text, out var id, out _))
            {
                throw Invalid(server, $"'{property}' holds something that is not an event ID");
            }

            ids.Add(id);
        }

        return ids;
    }

    private static FederationException Invalid(ServerName server, string message) =>
        new(server, FederationFailure.InvalidResponse, message);

    private static string Escape(string value) => Uri.EscapeDataString(value);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Dropped an event fetched from {Server} for {RoomId} ({EventId}): {Reason}")]
    private static partial void LogDropped(ILogger logger, string server, string roomId, string eventId,
        string reason);
}
