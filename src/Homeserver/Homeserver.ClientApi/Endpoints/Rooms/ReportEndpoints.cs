using System.Text.Json.Nodes;
using FluentValidation;
using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services.Rooms;
using Homeserver.Services.Validation;
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
            string eventId, ReportService reports, IValidator<EventReportRequest> validator,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var request = validator.ValidateOrThrow(EventReportRequest.Read(body));
            await reports.ReportEventAsync(context.Requester(), roomId, eventId, request.Reason, request.Score,
                cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().ExistedInR0();

        // POST /_matrix/client/v3/rooms/{roomId}/report
        app.MapPost("/_matrix/client/v3/rooms/{roomId}/report", async (HttpContext context, string roomId,
            ReportService reports, IValidator<RoomReportRequest> validator, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var request = validator.ValidateOrThrow(RoomReportRequest.Read(body));
            await reports.ReportRoomAsync(context.Requester(), roomId, request.Reason!, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken();

        // POST /_matrix/client/v3/users/{userId}/report
        app.MapPost("/_matrix/client/v3/users/{userId}/report", async (HttpContext context, string userId,
            ReportService reports, IValidator<UserReportRequest> validator, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var request = validator.ValidateOrThrow(UserReportRequest.Read(body));
            await reports.ReportUserAsync(context.Requester(), userId, request.Reason!, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken();
    }
}
