using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services.Rooms;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Rooms;

public static class ReportEndpoints
{
    public static void MapReports(this IEndpointRouteBuilder app)
    {
        // POST /_matrix/client/v3/rooms/{roomId}/report/{eventId}
        app.MapPost("/_matrix/client/v3/rooms/{roomId}/report/{eventId}", async (HttpContext context, string roomId,
            string eventId, ReportService reports, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            int? score = !body.TryGetProperty("score", out var s) || s.ValueKind == JsonValueKind.Null ? null
                : s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var value) ? value
                : throw new MatrixException(ErrorCode.InvalidParam, "score must be an integer");
            await reports.ReportEventAsync(context.Requester(), roomId, eventId, Reason(body, required: false), score,
                cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().ExistedInR0();

        // POST /_matrix/client/v3/rooms/{roomId}/report
        app.MapPost("/_matrix/client/v3/rooms/{roomId}/report", async (HttpContext context, string roomId,
            ReportService reports, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            await reports.ReportRoomAsync(context.Requester(), roomId, Reason(body, required: true)!, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken();

        // POST /_matrix/client/v3/users/{userId}/report
        app.MapPost("/_matrix/client/v3/users/{userId}/report", async (HttpContext context, string userId,
            ReportService reports, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            await reports.ReportUserAsync(context.Requester(), userId, Reason(body, required: true)!, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken();
    }

    private static string? Reason(JsonElement body, bool required) =>
        body.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()
        : (r.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) && !required ? null
        : throw new MatrixException(ErrorCode.BadJson, required ? "reason is required and must be a string" : "reason must be a string");
}
