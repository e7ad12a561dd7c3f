using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services.Rooms.Directory;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Rooms;

/// <summary>Room aliases and the published room directory.</summary>
public static class DirectoryEndpoints
{
    public static void MapDirectory(this IEndpointRouteBuilder app)
    {
        // PUT /_matrix/client/v3/directory/room/{roomAlias}
        app.MapPut("/_matrix/client/v3/directory/room/{roomAlias}", async (HttpContext context, string roomAlias,
            RoomAliasService aliases, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var roomId = body.TryGetProperty("room_id", out var r) && r.ValueKind == JsonValueKind.String
                ? r.GetString()!
                : throw new MatrixException(ErrorCode.MissingParam, "'room_id' is required");
            await aliases.CreateAsync(context.Requester(), roomAlias, roomId, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().ExistedInR0();

        // GET /_matrix/client/v3/directory/room/{roomAlias}
        app.MapGet("/_matrix/client/v3/directory/room/{roomAlias}", async (string roomAlias, RoomAliasService aliases,
            CancellationToken cancellationToken) =>
            Results.Json(await aliases.GetAsync(roomAlias, cancellationToken))).AllowAccessToken().ExistedInR0();

        // DELETE /_matrix/client/v3/directory/room/{roomAlias}
        app.MapDelete("/_matrix/client/v3/directory/room/{roomAlias}", async (HttpContext context, string roomAlias,
            RoomAliasService aliases, CancellationToken cancellationToken) =>
        {
            await aliases.DeleteAsync(context.Requester(), roomAlias, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().ExistedInR0();

        // GET /_matrix/client/v3/rooms/{roomId}/aliases
        app.MapGet("/_matrix/client/v3/rooms/{roomId}/aliases", async (HttpContext context, string roomId,
            RoomAliasService aliases, CancellationToken cancellationToken) =>
        {
            var list = await aliases.GetRoomAliasesAsync(context.Requester(), roomId, cancellationToken);
            return Results.Json(new JsonObject { ["aliases"] = new JsonArray(list.Select(a => (JsonNode?)a).ToArray()) });
        }).RequireAccessToken(allowGuests: true).ExistedInR0();

        // GET /_matrix/client/v3/directory/list/room/{roomId}
        app.MapGet("/_matrix/client/v3/directory/list/room/{roomId}", async (string roomId, RoomDirectoryService directory,
            CancellationToken cancellationToken) =>
            Results.Json(new JsonObject { ["visibility"] = await directory.GetVisibilityAsync(roomId, cancellationToken) }))
            .AllowAccessToken().ExistedInR0();

        // PUT /_matrix/client/v3/directory/list/room/{roomId}
        app.MapPut("/_matrix/client/v3/directory/list/room/{roomId}", async (HttpContext context, string roomId,
            RoomDirectoryService directory, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var visibility = !body.TryGetProperty("visibility", out var v) || v.ValueKind == JsonValueKind.Null ? "public"
                : v.ValueKind == JsonValueKind.String ? v.GetString()!
                : throw new MatrixException(ErrorCode.BadJson, "'visibility' must be a string");
            await directory.SetVisibilityAsync(context.Requester(), roomId, visibility, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().ExistedInR0();

        // GET /_matrix/client/v3/publicRooms
        app.MapGet("/_matrix/client/v3/publicRooms", async (string? server, string? limit, string? since,
            RoomDirectoryService directory, CancellationToken cancellationToken) =>
            Results.Json(await directory.ListAsync(new PublicRoomsRequest(server, PublicRoomsBody.ParseLimit(limit), since, null, null),
                cancellationToken))).AllowAccessToken().ExistedInR0();

        // POST /_matrix/client/v3/publicRooms
        app.MapPost("/_matrix/client/v3/publicRooms", async (HttpContext context, string? server,
            RoomDirectoryService directory, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            return Results.Json(await directory.ListAsync(PublicRoomsBody.Parse(server, body), cancellationToken));
        }).RequireAccessToken(allowGuests: true).ExistedInR0();
    }
}
