using System.Globalization;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Services.Rooms;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Rooms;

/// <summary>Walking a room's history: /messages, /context and /timestamp_to_event.</summary>
public static class RoomHistoryEndpoints
{
    public static void MapRoomHistory(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v3/rooms/{roomId}/messages
        app.MapGet("/_matrix/client/v3/rooms/{roomId}/messages", async (HttpContext context, string roomId,
            RoomTimelineService timeline, CancellationToken cancellationToken) =>
            Results.Json(await timeline.GetMessagesAsync(context.Requester(), roomId, NonEmpty(context.Query("from")),
                NonEmpty(context.Query("to")), Direction(context.Query("dir") ?? "b"),
                (int)Math.Clamp(context.QueryInteger("limit") ?? 10, 0, RoomTimelineService.MaxMessagesLimit), context.Query("filter"), cancellationToken)))
            .RequireAccessToken(allowGuests: true).ExistedInR0();

        // GET /_matrix/client/v3/rooms/{roomId}/context/{eventId}
        app.MapGet("/_matrix/client/v3/rooms/{roomId}/context/{eventId}", async (HttpContext context, string roomId,
            string eventId, RoomTimelineService timeline, CancellationToken cancellationToken) =>
            Results.Json(await timeline.GetContextAsync(context.Requester(), roomId, eventId,
                context.QueryInteger("limit") is { } limit ? (int)Math.Clamp(limit, 0, RoomTimelineService.MaxContextLimit) : null, context.Query("filter"), cancellationToken)))
            .RequireAccessToken(allowGuests: true).ExistedInR0();

        // GET /_matrix/client/v1/rooms/{roomId}/timestamp_to_event
        app.MapGet("/_matrix/client/v1/rooms/{roomId}/timestamp_to_event", async (HttpContext context, string roomId,
            RoomTimelineService timeline, CancellationToken cancellationToken) =>
        {
            var ts = context.QueryInteger("ts") ?? throw new MatrixException(ErrorCode.MissingParam, "'ts' is required");
            var dir = context.Query("dir") ?? throw new MatrixException(ErrorCode.MissingParam, "'dir' is required");
            return Results.Json(await timeline.GetEventByTimestampAsync(context.Requester(), roomId, ts,
                Direction(dir), cancellationToken));
        }).RequireAccessToken();
    }

    /// <summary>A query parameter's value, or null when absent.</summary>
    public static string? Query(this HttpContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Request.Query.TryGetValue(name, out var values) ? values.ToString() : null;
    }

    /// <summary>An integer query parameter; M_INVALID_PARAM when it is not one.</summary>
    public static long? QueryInteger(this HttpContext context, string name) =>
        context.Query(name) is not { } text
            ? null
            : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new MatrixException(ErrorCode.InvalidParam, $"'{name}' must be an integer");

    /// <summary>A boolean query parameter (<c>true</c>/<c>false</c>, false when absent); M_INVALID_PARAM otherwise.</summary>
    public static bool QueryBoolean(this HttpContext context, string name) => context.Query(name) switch
    {
        null or "false" => false,
        "true" => true,
        _ => throw new MatrixException(ErrorCode.InvalidParam, $"'{name}' must be true or false"),
    };

    /// <summary>Quaternion sends <c>from=</c> on its first page: an empty pagination token means none.</summary>
    private static string? NonEmpty(string? token) => string.IsNullOrEmpty(token) ? null : token;

    private static bool Direction(string dir) => dir switch
    {
        "f" => true,
        "b" => false,
        _ => throw new MatrixException(ErrorCode.InvalidParam, "dir must be b or f"),
    };
}
