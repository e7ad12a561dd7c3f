using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Http;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Directory;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Rooms;

public static class MembershipEndpoints
{
    public static void MapMemberships(this IEndpointRouteBuilder app)
    {
        // POST /_matrix/client/v3/rooms/{roomId}/join
        app.MapPost("/_matrix/client/v3/rooms/{roomId}/join", JoinAsync).RequireAccessToken(allowGuests: true).ExistedInR0()
            .DeniedWhileSuspended();

        // POST /_matrix/client/v3/join/{roomIdOrAlias}
        app.MapPost("/_matrix/client/v3/join/{roomIdOrAlias}", async (HttpContext context, string roomIdOrAlias,
            MembershipService memberships, RoomAliasService aliases, CancellationToken cancellationToken) =>
        {
            // Local aliases resolve here; other servers' aliases are M_NOT_FOUND until federation exists.
            var roomId = await aliases.ResolveRoomIdOrAliasAsync(roomIdOrAlias, cancellationToken);
            return await JoinThroughAsync(context, roomId, Via(context), memberships, cancellationToken);
        }).RequireAccessToken(allowGuests: true).ExistedInR0().DeniedWhileSuspended();

        // POST /_matrix/client/v3/knock/{roomIdOrAlias}
        app.MapPost("/_matrix/client/v3/knock/{roomIdOrAlias}", async (HttpContext context, string roomIdOrAlias,
            MembershipService memberships, RoomAliasService aliases, CancellationToken cancellationToken) =>
        {
            var body = await ReadOptionalBodyAsync(context, cancellationToken);
            var roomId = await aliases.ResolveRoomIdOrAliasAsync(roomIdOrAlias, cancellationToken);
            var knocked = await memberships.KnockAsync(context.Requester(), roomId, Reason(body), cancellationToken,
                Via(context));
            return Results.Json(new JsonObject { ["room_id"] = knocked });
        }).RequireAccessToken().DeniedWhileSuspended();

        // POST /_matrix/client/v3/rooms/{roomId}/leave
        app.MapPost("/_matrix/client/v3/rooms/{roomId}/leave", async (HttpContext context, string roomId,
            MembershipService memberships, CancellationToken cancellationToken) =>
        {
            var body = await ReadOptionalBodyAsync(context, cancellationToken);
            await memberships.LeaveAsync(context.Requester(), roomId, Reason(body), cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken(allowGuests: true).ExistedInR0();

        MapTargeted(app, "invite", (m, r, room, user, reason, ct) => m.InviteAsync(r, room, user, reason, ct));
        MapTargeted(app, "kick", (m, r, room, user, reason, ct) => m.KickAsync(r, room, user, reason, ct));
        MapTargeted(app, "ban", (m, r, room, user, reason, ct) => m.BanAsync(r, room, user, reason, ct));
        MapTargeted(app, "unban", (m, r, room, user, reason, ct) => m.UnbanAsync(r, room, user, reason, ct));

        // GET /_matrix/client/v3/joined_rooms
        app.MapGet("/_matrix/client/v3/joined_rooms", async (HttpContext context, RoomReadService read,
            CancellationToken cancellationToken) =>
            Results.Json(await read.GetJoinedRoomsAsync(context.Requester(), cancellationToken)))
            .RequireAccessToken(allowGuests: true).ExistedInR0();

        // GET /_matrix/client/v3/rooms/{roomId}/joined_members
        app.MapGet("/_matrix/client/v3/rooms/{roomId}/joined_members", async (HttpContext context, string roomId,
            RoomReadService read, CancellationToken cancellationToken) =>
            Results.Json(await read.GetJoinedMembersAsync(context.Requester(), roomId, cancellationToken)))
            .RequireAccessToken(allowGuests: true).ExistedInR0();

        // GET /_matrix/client/v3/rooms/{roomId}/members
        app.MapGet("/_matrix/client/v3/rooms/{roomId}/members", async (HttpContext context, string roomId,
            RoomReadService read, CancellationToken cancellationToken) =>
            Results.Json(new JsonObject
            {
                ["chunk"] = await read.GetMembersAsync(context.Requester(), roomId, context.Query("at"),
                    context.Query("membership"), context.Query("not_membership"), cancellationToken),
            }))
            .RequireAccessToken(allowGuests: true).ExistedInR0();

        // POST /_matrix/client/v3/rooms/{roomId}/forget
        app.MapPost("/_matrix/client/v3/rooms/{roomId}/forget", async (HttpContext context, string roomId,
            MembershipService memberships, CancellationToken cancellationToken) =>
        {
            await memberships.ForgetAsync(context.Requester(), roomId, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().ExistedInR0();
    }

    private static Task<IResult> JoinAsync(HttpContext context, string roomId, MembershipService memberships,
        CancellationToken cancellationToken) =>
        JoinThroughAsync(context, roomId, [], memberships, cancellationToken);

    private static async Task<IResult> JoinThroughAsync(HttpContext context, string roomId,
        IReadOnlyList<ServerName> via, MembershipService memberships, CancellationToken cancellationToken)
    {
        var body = await ReadOptionalBodyAsync(context, cancellationToken);
        var joined = await memberships.JoinAsync(context.Requester(), roomId, Reason(body), cancellationToken, via);
        return Results.Json(new JsonObject { ["room_id"] = joined });
    }

    /// <summary>The servers to join or knock through: <c>via</c> (v1.12) and the deprecated <c>server_name</c>;
    /// names that are not server names are ignored.</summary>
    private static List<ServerName> Via(HttpContext context) =>
        context.Request.Query["via"].Concat(context.Request.Query["server_name"])
            .Select(name => ServerName.TryParse(name, out var server, out _) ? server : (ServerName?)null)
            .OfType<ServerName>()
            .ToList();

    private delegate Task TargetedChange(MembershipService memberships, Services.Accounts.Requester requester,
        string roomId, string userId, string? reason, CancellationToken cancellationToken);

    private static void MapTargeted(IEndpointRouteBuilder app, string action, TargetedChange change)
    {
        // POST /_matrix/client/v3/rooms/{roomId}/{invite|kick|ban|unban}
        var endpoint = app.MapPost($"/_matrix/client/v3/rooms/{{roomId}}/{action}", async (HttpContext context, string roomId,
            MembershipService memberships, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var userId = body.TryGetProperty("user_id", out var u) && u.ValueKind == JsonValueKind.String
                ? u.GetString()!
                : throw new MatrixException(ErrorCode.MissingParam, "'user_id' is required");
            await change(memberships, context.Requester(), roomId, userId, Reason(body), cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().ExistedInR0();
        if (action == "invite")
        {
            endpoint.DeniedWhileSuspended();
        }
    }

    // Join and leave bodies are optional; an empty body counts as {}.
    private static async Task<JsonElement?> ReadOptionalBodyAsync(HttpContext context, CancellationToken cancellationToken) =>
        context.Request.ContentLength is 0 || (context.Request.ContentLength is null && !context.Request.Headers.ContainsKey("Transfer-Encoding"))
            ? null
            : await JsonBody.ReadObjectAsync(context.Request, cancellationToken);

    private static string? Reason(JsonElement? body) =>
        body is { } b && b.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
}
