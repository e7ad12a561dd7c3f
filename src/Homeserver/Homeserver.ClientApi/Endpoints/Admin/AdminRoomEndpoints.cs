using System.Text.Json;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services.Admin.Rooms;
using Homeserver.Services.Rooms;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Admin;

/// <summary>Synapse's admin API for rooms: the list, one room's details, members, state, messages, forward
/// extremities, blocking and make_room_admin (docs/admin_api/rooms.md of Synapse).</summary>
public static class AdminRoomEndpoints
{
    public static void Map(RouteGroupBuilder admin)
    {
        // GET /_synapse/admin/v1/rooms
        admin.MapGet("/v1/rooms", async (HttpContext context, AdminRoomService rooms,
            CancellationToken cancellationToken) =>
        {
            var request = context.Request;
            var page = AdminQuery.Page(request);
            var searchTerm = AdminQuery.Text(request, "search_term");
            if (searchTerm == "")
            {
                throw new MatrixException(ErrorCode.InvalidParam, "search_term cannot be an empty string");
            }

            var query = new AdminRoomQuery(page.From, page.Limit,
                AdminQuery.OneOf(request, "order_by", AdminRoomOrder.Name, [.. AdminRoomOrder.All]),
                AdminQuery.Backwards(request), searchTerm, AdminQuery.Boolean(request, "public_rooms"),
                AdminQuery.Boolean(request, "empty_rooms"));
            return Results.Json(await rooms.ListAsync(query, cancellationToken));
        });

        // GET /_synapse/admin/v1/rooms/{roomId}
        admin.MapGet("/v1/rooms/{roomId}", async (string roomId, AdminRoomService rooms,
            CancellationToken cancellationToken) => Results.Json(await rooms.GetDetailsAsync(roomId, cancellationToken)));

        // GET /_synapse/admin/v1/rooms/{roomId}/members
        admin.MapGet("/v1/rooms/{roomId}/members", async (string roomId, AdminRoomService rooms,
            CancellationToken cancellationToken) => Results.Json(await rooms.GetMembersAsync(roomId, cancellationToken)));

        // GET /_synapse/admin/v1/rooms/{roomId}/state
        admin.MapGet("/v1/rooms/{roomId}/state", async (HttpContext context, string roomId, AdminRoomService rooms,
            CancellationToken cancellationToken) =>
            Results.Json(await rooms.GetStateAsync(roomId, AdminQuery.Text(context.Request, "type"), cancellationToken)));

        // GET /_synapse/admin/v1/rooms/{roomId}/messages: the client API's /messages without the membership check.
        admin.MapGet("/v1/rooms/{roomId}/messages", async (HttpContext context, string roomId,
            RoomTimelineService timeline, CancellationToken cancellationToken) =>
        {
            var request = context.Request;
            var limit = Math.Min(AdminQuery.NonNegative(request, "limit", 10), RoomTimelineService.MaxMessagesLimit);
            return Results.Json(await timeline.GetMessagesAsync(context.Requester(), roomId,
                NonEmpty(AdminQuery.Text(request, "from")), NonEmpty(AdminQuery.Text(request, "to")),
                !AdminQuery.Backwards(request), limit, AdminQuery.Text(request, "filter"), cancellationToken,
                asServerAdmin: true));
        });

        // GET and DELETE /_synapse/admin/v1/rooms/{roomIdOrAlias}/forward_extremities
        admin.MapGet("/v1/rooms/{roomIdOrAlias}/forward_extremities", async (string roomIdOrAlias,
            AdminRoomService rooms, CancellationToken cancellationToken) =>
            Results.Json(await rooms.GetForwardExtremitiesAsync(roomIdOrAlias, cancellationToken)));
        admin.MapDelete("/v1/rooms/{roomIdOrAlias}/forward_extremities", async (string roomIdOrAlias,
            AdminRoomService rooms, CancellationToken cancellationToken) =>
            Results.Json(await rooms.DeleteForwardExtremitiesAsync(roomIdOrAlias, cancellationToken)));

        // GET and PUT /_synapse/admin/v1/rooms/{roomId}/block
        admin.MapGet("/v1/rooms/{roomId}/block", async (string roomId, AdminRoomService rooms,
            CancellationToken cancellationToken) => Results.Json(await rooms.GetBlockAsync(roomId, cancellationToken)));
        admin.MapPut("/v1/rooms/{roomId}/block", async (HttpContext context, string roomId, AdminRoomService rooms,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            if (!body.TryGetProperty("block", out var block))
            {
                throw new MatrixException(ErrorCode.MissingParam, "Missing params: ['block']");
            }

            if (block.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw new MatrixException(ErrorCode.BadJson, "Param 'block' must be a boolean.");
            }

            return Results.Json(await rooms.SetBlockAsync(context.Requester(), roomId, block.GetBoolean(),
                cancellationToken));
        });

        // POST /_synapse/admin/v1/rooms/{roomIdOrAlias}/make_room_admin
        admin.MapPost("/v1/rooms/{roomIdOrAlias}/make_room_admin", async (HttpContext context, string roomIdOrAlias,
            AdminRoomService rooms, CancellationToken cancellationToken) =>
        {
            var body = await ReadObjectOrEmptyAsync(context.Request, cancellationToken);
            var userId = body.TryGetProperty("user_id", out var user) ? user.ValueKind == JsonValueKind.String
                ? user.GetString()
                : throw new MatrixException(ErrorCode.BadJson, "Param 'user_id' must be a string") : null;
            await rooms.MakeRoomAdminAsync(context.Requester(), roomIdOrAlias, userId, cancellationToken);
            return Results.Json(new { });
        });
    }

    /// <summary>The body as a JSON object, or an empty one when there is no body (Synapse's allow_empty_body).</summary>
    public static async Task<JsonElement> ReadObjectOrEmptyAsync(HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is 0 or null && request.Headers.TransferEncoding.Count == 0)
        {
            using var empty = JsonDocument.Parse("{}");
            return empty.RootElement.Clone();
        }

        return await JsonBody.ReadObjectAsync(request, cancellationToken);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
