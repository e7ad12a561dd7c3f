using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services.Live;
using Homeserver.Services.Live.Posting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Live;

/// <summary>The live posting rules' endpoints (docs/LIVE.md "Posting rules"): timeouts and accepting the rules.</summary>
public static class LivePostingEndpoints
{
    private const string Rooms = LiveNames.ApiPrefix + "/rooms/{roomId}";

    public static void MapLivePosting(this IEndpointRouteBuilder app)
    {
        // POST /_matrix/client/unstable/org.homeserver.live/rooms/{roomId}/timeouts
        app.MapPost(Rooms + "/timeouts", async (HttpContext context, string roomId, LiveTimeoutService timeouts,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var userId = body.TryGetProperty("user_id", out var u) && u.ValueKind == JsonValueKind.String
                ? u.GetString()!
                : throw new MatrixException(ErrorCode.MissingParam, "user_id is required and must be a string");
            var written = await timeouts.TimeOutAsync(context.Requester(), roomId, userId, Duration(body),
                OptionalString(body, "reason"), cancellationToken);
            return Results.Json(new JsonObject { ["event_id"] = written.EventId, ["expires_at"] = written.ExpiresAt });
        }).RequireAccessToken().DeniedWhileSuspended();

        // GET /_matrix/client/unstable/org.homeserver.live/rooms/{roomId}/timeouts
        app.MapGet(Rooms + "/timeouts", async (HttpContext context, string roomId, LiveTimeoutService timeouts,
            CancellationToken cancellationToken) =>
        {
            var list = new JsonArray();
            foreach (var timeout in await timeouts.ListAsync(context.Requester(), roomId, cancellationToken))
            {
                list.Add(new JsonObject
                {
                    ["user_id"] = timeout.UserId, ["expires_at"] = timeout.ExpiresAt, ["reason"] = timeout.Reason,
                    ["by"] = timeout.By,
                });
            }

            return Results.Json(new JsonObject { ["timeouts"] = list });
        }).RequireAccessToken(allowGuests: true);

        // DELETE /_matrix/client/unstable/org.homeserver.live/rooms/{roomId}/timeouts/{userId}
        app.MapDelete(Rooms + "/timeouts/{userId}", async (HttpContext context, string roomId, string userId,
            LiveTimeoutService timeouts, CancellationToken cancellationToken) =>
        {
            var eventId = await timeouts.LiftAsync(context.Requester(), roomId, userId, cancellationToken);
            return Results.Json(eventId is null ? new JsonObject() : new JsonObject { ["event_id"] = eventId });
        }).RequireAccessToken().DeniedWhileSuspended();

        // POST /_matrix/client/unstable/org.homeserver.live/rooms/{roomId}/rules/accept
        app.MapPost(Rooms + "/rules/accept", async (HttpContext context, string roomId, LiveRulesAcceptance rules,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var version = body.TryGetProperty("version", out var v) &&
                          v.ValueKind is JsonValueKind.String or JsonValueKind.Number
                ? v
                : throw new MatrixException(ErrorCode.MissingParam, "version is required (a string or a number)");
            await rules.AcceptAsync(context.Requester(), roomId, version, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken(allowGuests: true);
    }

    private static int Duration(JsonElement body)
    {
        if (!body.TryGetProperty("duration_minutes", out var d) || d.ValueKind == JsonValueKind.Null)
        {
            return LiveRoomState.DefaultTimeoutMinutes;
        }

        return d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out var minutes)
            ? minutes // the range is the service's check
            : throw new MatrixException(ErrorCode.InvalidParam, "duration_minutes must be an integer from 1 to 60");
    }

    private static string? OptionalString(JsonElement body, string name) =>
        !body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new MatrixException(ErrorCode.BadJson, $"{name} must be a string");
}
