using System.Globalization;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Services.Federation.History;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.Federation.Endpoints;

/// <summary>Room history for other servers: single events, state, auth chains, backfill, missing events.</summary>
public static class HistoryEndpoints
{
    private const int DefaultMissingEventsLimit = 10;

    public static void MapFederationHistory(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/federation/v1/event/{eventId}
        app.MapGet("/_matrix/federation/v1/event/{eventId}", async (HttpContext context, string eventId,
                FederationEventService events, CancellationToken cancellationToken) =>
            BufferedJson.Of(await events.GetEventAsync(context.Origin(), ParseEventId(eventId), cancellationToken)));

        // GET /_matrix/federation/v1/state/{roomId}
        app.MapGet("/_matrix/federation/v1/state/{roomId}", async (HttpContext context, string roomId,
                FederationEventService events, CancellationToken cancellationToken) =>
            BufferedJson.Of(await events.GetStateAsync(context.Origin(), ParseRoomId(roomId),
                ParseEventId(RequiredQuery(context, "event_id")), idsOnly: false, cancellationToken)));

        // GET /_matrix/federation/v1/state_ids/{roomId}
        app.MapGet("/_matrix/federation/v1/state_ids/{roomId}", async (HttpContext context, string roomId,
                FederationEventService events, CancellationToken cancellationToken) =>
            BufferedJson.Of(await events.GetStateAsync(context.Origin(), ParseRoomId(roomId),
                ParseEventId(RequiredQuery(context, "event_id")), idsOnly: true, cancellationToken)));

        // GET /_matrix/federation/v1/event_auth/{roomId}/{eventId}
        app.MapGet("/_matrix/federation/v1/event_auth/{roomId}/{eventId}", async (HttpContext context, string roomId,
                string eventId, FederationEventService events, CancellationToken cancellationToken) =>
            BufferedJson.Of(await events.GetEventAuthAsync(context.Origin(), ParseRoomId(roomId), ParseEventId(eventId),
                cancellationToken)));

        // POST /_matrix/federation/v1/get_missing_events/{roomId}
        app.MapPost("/_matrix/federation/v1/get_missing_events/{roomId}", async (HttpContext context, string roomId,
            FederationBackfillService history, CancellationToken cancellationToken) =>
        {
            var room = ParseRoomId(roomId);
            var body = await JsonBody.ReadAsync<MissingEventsRequest>(context.Request, cancellationToken);
            return BufferedJson.Of(await history.GetMissingEventsAsync(context.Origin(), room,
                body.EarliestEvents.OfType<string>().ToList(), body.LatestEvents.OfType<string>().ToList(),
                body.Limit ?? DefaultMissingEventsLimit, body.MinDepth ?? 0, cancellationToken));
        });

        // GET /_matrix/federation/v1/backfill/{roomId}
        app.MapGet("/_matrix/federation/v1/backfill/{roomId}", async (HttpContext context, string roomId,
            FederationBackfillService history, CancellationToken cancellationToken) =>
        {
            var room = ParseRoomId(roomId);
            var from = context.Request.Query["v"].OfType<string>().ToList();
            if (from.Count == 0)
            {
                throw new MatrixException(ErrorCode.MissingParam, "'v' is required");
            }

            var limit = ParseInteger(RequiredQuery(context, "limit"), "limit");
            return BufferedJson.Of(await history.BackfillAsync(context.Origin(), room, from,
                (int)Math.Clamp(limit, 0, int.MaxValue), cancellationToken));
        });

        // GET /_matrix/federation/v1/timestamp_to_event/{roomId}
        app.MapGet("/_matrix/federation/v1/timestamp_to_event/{roomId}", async (HttpContext context, string roomId,
            FederationBackfillService history, CancellationToken cancellationToken) =>
        {
            var room = ParseRoomId(roomId);
            var timestamp = ParseInteger(RequiredQuery(context, "ts"), "ts");
            var forwards = RequiredQuery(context, "dir") switch
            {
                "f" => true,
                "b" => false,
                _ => throw new MatrixException(ErrorCode.InvalidParam, "'dir' must be 'f' or 'b'"),
            };
            return BufferedJson.Of(await history.TimestampToEventAsync(context.Origin(), room, timestamp, forwards,
                cancellationToken));
        });
    }

    private static RoomId ParseRoomId(string text) =>
        RoomId.TryParse(text, out var roomId, out var error)
            ? roomId
            : throw new MatrixException(ErrorCode.InvalidParam, $"Invalid room ID: {error}");

    private static EventId ParseEventId(string text) =>
        EventId.TryParse(text, out var eventId, out var error)
            ? eventId
            : throw new MatrixException(ErrorCode.InvalidParam, $"Invalid event ID: {error}");

    private static string RequiredQuery(HttpContext context, string name) =>
        context.Request.Query[name].FirstOrDefault() is { Length: > 0 } value
            ? value
            : throw new MatrixException(ErrorCode.MissingParam, $"'{name}' is required");

    private static long ParseInteger(string text, string name) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new MatrixException(ErrorCode.InvalidParam, $"'{name}' must be an integer");

    private sealed record MissingEventsRequest(IReadOnlyList<string?> EarliestEvents, IReadOnlyList<string?> LatestEvents,
        int? Limit = null, long? MinDepth = null);
}
