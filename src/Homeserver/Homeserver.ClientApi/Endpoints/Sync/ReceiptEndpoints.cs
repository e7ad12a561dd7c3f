using System.Text.Json.Nodes;
using FluentValidation;
using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services;
using Homeserver.Services.Sync;
using Homeserver.Services.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Sync;

public static class ReceiptEndpoints
{
    public static void MapReceipts(this IEndpointRouteBuilder app)
    {
        // POST /_matrix/client/v3/rooms/{roomId}/receipt/{receiptType}/{eventId}
        app.MapPost("/_matrix/client/v3/rooms/{roomId}/receipt/{receiptType}/{eventId}", async (HttpContext context,
            string roomId, string receiptType, string eventId, ReceiptService receipts,
            IValidator<ReceiptRequest> validator, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var request = validator.ValidateOrThrow(
                new ReceiptRequest(receiptType, JsonFields.OptionalString(body, "thread_id")));
            await receipts.SetReceiptAsync(context.Requester(), roomId, request.ReceiptType, eventId, request.ThreadId,
                cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().ExistedInR0();

        // POST /_matrix/client/v3/rooms/{roomId}/read_markers
        app.MapPost("/_matrix/client/v3/rooms/{roomId}/read_markers", async (HttpContext context, string roomId,
            ReceiptService receipts, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            await receipts.SetReadMarkersAsync(context.Requester(), roomId, JsonFields.OptionalString(body, ReceiptService.FullyRead),
                JsonFields.OptionalString(body, ReceiptService.Read), JsonFields.OptionalString(body, ReceiptService.ReadPrivate),
                cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().ExistedInR0();
    }
}
