using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services;
using Homeserver.Services.Live;
using Homeserver.Services.Live.JoinLinks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Live;

/// <summary>Password rooms and invite links (docs/LIVE.md, "Access").</summary>
public static class JoinLinkEndpoints
{
    public static void MapLiveJoinLinks(this IEndpointRouteBuilder app)
    {
        // PUT /_matrix/client/unstable/org.homeserver.live/rooms/{roomId}/join_password
        app.MapPut(LiveNames.ApiPrefix + "/rooms/{roomId}/join_password", async (HttpContext context, string roomId,
            JoinPasswordService passwords, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var password = JsonFields.OptionalString(body, "password")
                           ?? throw new MatrixException(ErrorCode.MissingParam, "'password' is required");
            var eventId = await passwords.SetAsync(context.Requester(), roomId, password, cancellationToken);
            return Results.Json(new JsonObject { ["event_id"] = eventId });
        }).RequireAccessToken();

        // DELETE /_matrix/client/unstable/org.homeserver.live/rooms/{roomId}/join_password
        app.MapDelete(LiveNames.ApiPrefix + "/rooms/{roomId}/join_password", async (HttpContext context,
            string roomId, JoinPasswordService passwords, CancellationToken cancellationToken) =>
        {
            var eventId = await passwords.RemoveAsync(context.Requester(), roomId, cancellationToken);
            return Results.Json(new JsonObject { ["event_id"] = eventId });
        }).RequireAccessToken();

        // POST /_matrix/client/unstable/org.homeserver.live/rooms/{roomId}/invite_links
        app.MapPost(LiveNames.ApiPrefix + "/rooms/{roomId}/invite_links", async (HttpContext context, string roomId,
            InviteLinkService links, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var created = await links.CreateAsync(context.Requester(), roomId, OptionalInteger(body, "expires_in_ms"),
                (int?)OptionalInteger(body, "max_uses", int.MaxValue), cancellationToken);
            var json = ToJson(created.Link);
            json["token"] = created.Token;
            return Results.Json(json);
        }).RequireAccessToken();

        // GET /_matrix/client/unstable/org.homeserver.live/rooms/{roomId}/invite_links
        app.MapGet(LiveNames.ApiPrefix + "/rooms/{roomId}/invite_links", async (HttpContext context, string roomId,
            InviteLinkService links, CancellationToken cancellationToken) =>
        {
            var list = await links.ListAsync(context.Requester(), roomId, cancellationToken);
            return Results.Json(new JsonObject { ["invite_links"] = new JsonArray([.. list.Select(ToJson)]) });
        }).RequireAccessToken();

        // DELETE /_matrix/client/unstable/org.homeserver.live/rooms/{roomId}/invite_links/{token}
        app.MapDelete(LiveNames.ApiPrefix + "/rooms/{roomId}/invite_links/{token}", async (HttpContext context,
            string roomId, string token, InviteLinkService links, CancellationToken cancellationToken) =>
        {
            await links.RevokeAsync(context.Requester(), roomId, token, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken();

        // POST /_matrix/client/unstable/org.homeserver.live/join
        app.MapPost(LiveNames.ApiPrefix + "/join", async (HttpContext context, SecretJoinService joins,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var request = new SecretJoinService.Request(
                JsonFields.OptionalString(body, "room") ?? throw new MatrixException(ErrorCode.MissingParam,
                    "'room' (a room ID or alias) is required"),
                JsonFields.OptionalString(body, "password"), JsonFields.OptionalString(body, "invite_token"),
                JsonFields.OptionalString(body, "display_name"));
            var joined = await joins.JoinAsync(context.TryGetRequester(), request, context.ClientAddress(),
                cancellationToken);
            return Results.Json(JsonFields.StringsWithoutNulls(("room_id", joined.RoomId), ("user_id", joined.UserId),
                ("access_token", joined.AccessToken), ("device_id", joined.DeviceId)));
        }).AllowAccessToken().DeniedWhileSuspended();
    }

    private static JsonObject ToJson(InviteLink link) => new()
    {
        ["id"] = link.Id,
        ["room_id"] = link.RoomId,
        ["created_by"] = link.CreatedBy,
        ["created_at"] = link.CreatedAt,
        ["expires_at"] = link.ExpiresAt,
        ["max_uses"] = link.MaxUses,
        ["uses"] = link.Uses,
    };

    /// <summary>Absent or null is null; anything but an integer up to <paramref name="max"/> is 400.</summary>
    private static long? OptionalInteger(JsonElement body, string name, long max = long.MaxValue) =>
        !body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number <= max ? number
        : throw new MatrixException(ErrorCode.InvalidParam, $"'{name}' must be an integer");
}
