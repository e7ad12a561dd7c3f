using System.Text.Json;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services.Admin.Rooms;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Admin;

/// <summary>Synapse's admin API for the background jobs on rooms: deleting a room and purging history, with their
/// status.</summary>
public static class AdminRoomJobEndpoints
{
    public static void Map(RouteGroupBuilder admin)
    {
        // DELETE /_synapse/admin/v2/rooms/{roomId}
        admin.MapDelete("/v2/rooms/{roomId}", async (HttpContext context, string roomId, RoomDeletionService deletion,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var request = new RoomDeletionRequest(context.Requester().UserId.Value,
                Flag(body, "block", false), Flag(body, "purge", true), Flag(body, "force_purge", false),
                OptionalString(body, "new_room_user_id"), OptionalString(body, "room_name"),
                OptionalString(body, "message"));
            return Results.Json(new { delete_id = await deletion.StartAsync(roomId, request, cancellationToken) });
        });

        // GET /_synapse/admin/v2/rooms/{roomId}/delete_status
        admin.MapGet("/v2/rooms/{roomId}/delete_status", async (string roomId, RoomDeletionService deletion,
            CancellationToken cancellationToken) =>
            Results.Json(await deletion.GetStatusByRoomAsync(roomId, cancellationToken)));

        // GET /_synapse/admin/v2/rooms/delete_status/{deleteId}
        admin.MapGet("/v2/rooms/delete_status/{deleteId}", async (string deleteId, RoomDeletionService deletion,
            CancellationToken cancellationToken) => Results.Json(await deletion.GetStatusAsync(deleteId, cancellationToken)));

        // POST /_synapse/admin/v1/purge_history/{roomId} and /{roomId}/{eventId}
        admin.MapPost("/v1/purge_history/{roomId}", (HttpContext context, string roomId, HistoryPurgeService purge,
            CancellationToken cancellationToken) => PurgeAsync(context, roomId, null, purge, cancellationToken));
        admin.MapPost("/v1/purge_history/{roomId}/{eventId}", (HttpContext context, string roomId, string eventId,
            HistoryPurgeService purge, CancellationToken cancellationToken) =>
            PurgeAsync(context, roomId, eventId, purge, cancellationToken));

        // GET /_synapse/admin/v1/purge_history_status/{purgeId}
        admin.MapGet("/v1/purge_history_status/{purgeId}", async (string purgeId, HistoryPurgeService purge,
            CancellationToken cancellationToken) => Results.Json(await purge.GetStatusAsync(purgeId, cancellationToken)));
    }

    private static async Task<IResult> PurgeAsync(HttpContext context, string roomId, string? eventId,
        HistoryPurgeService purge, CancellationToken cancellationToken)
    {
        var body = await AdminRoomEndpoints.ReadObjectOrEmptyAsync(context.Request, cancellationToken);
        var deleteLocalEvents = body.TryGetProperty("delete_local_events", out var local) &&
                                local.ValueKind == JsonValueKind.True;
        eventId ??= OptionalString(body, "purge_up_to_event_id");
        long? upToTs = null;
        if (eventId is null && body.TryGetProperty("purge_up_to_ts", out var ts))
        {
            upToTs = ts.ValueKind == JsonValueKind.Number && ts.TryGetInt64(out var value)
                ? value
                : throw new MatrixException(ErrorCode.BadJson, "purge_up_to_ts must be an int");
        }

        var purgeId = await purge.StartAsync(roomId, eventId, upToTs, deleteLocalEvents, cancellationToken);
        return Results.Json(new { purge_id = purgeId });
    }

    private static bool Flag(JsonElement body, string name, bool defaultValue)
    {
        if (!body.TryGetProperty(name, out var value))
        {
            return defaultValue;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new MatrixException(ErrorCode.BadJson, $"Param '{name}' must be a boolean, if given"),
        };
    }

    private static string? OptionalString(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
