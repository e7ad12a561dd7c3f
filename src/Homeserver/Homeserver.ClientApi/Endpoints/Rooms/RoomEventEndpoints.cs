using System.Text.Json;
using System.Text.Json.Nodes;
using FluentValidation;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Delayed;
using Homeserver.Services.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Rooms;

public static class RoomEventEndpoints
{
    public static void MapRoomEvents(this IEndpointRouteBuilder app)
    {
        // POST /_matrix/client/v3/createRoom
        app.MapPost("/_matrix/client/v3/createRoom", async (HttpContext context, RoomCreationService rooms,
            IValidator<CreateRoomRequest> validator, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var request = validator.ValidateOrThrow(CreateRoomRequest.Parse(body));
            var created = await rooms.CreateAsync(context.Requester(), request, cancellationToken);
            return Results.Json(new JsonObject { ["room_id"] = created.RoomId });
        }).RequireAccessToken().ExistedInR0().DeniedWhileSuspended();

        // PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId} (with ?org.matrix.msc4140.delay: MSC4140)
        app.MapPut("/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}", async (HttpContext context,
            string roomId, string eventType, string txnId, MessagingService messaging, DelayedEventService delayed,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            if (Delay(context, delayed) is { } delay)
            {
                if (context.Requester().IsGuest)
                {
                    throw new MatrixException(ErrorCode.GuestAccessForbidden, "Guests may not schedule delayed events");
                }

                return Results.Json(new JsonObject
                {
                    ["delay_id"] = await delayed.ScheduleAsync(context.Requester(), roomId, eventType, null,
                        Content(body), delay, txnId, cancellationToken),
                });
            }

            var eventId = await messaging.SendAsync(context.Requester(), roomId, eventType, Content(body), txnId,
                AppServiceTimestamp.Read(context), cancellationToken);
            return Results.Json(new JsonObject { ["event_id"] = eventId });
        }).RequireAccessToken(allowGuests: true).ExistedInR0().DeniedWhileSuspended() // guests: m.room.message only
            .LimitedAsMessages(transactionPrefix: "");

        // PUT /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey} (with ?org.matrix.msc4140.delay: MSC4140)
        app.MapPut("/_matrix/client/v3/rooms/{roomId}/state/{eventType}/{**stateKey}", async (HttpContext context,
            string roomId, string eventType, string? stateKey, MessagingService messaging, DelayedEventService delayed,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var requester = context.Requester();
            if (Delay(context, delayed) is { } delay)
            {
                return Results.Json(new JsonObject
                {
                    ["delay_id"] = await delayed.ScheduleAsync(requester, roomId, eventType, stateKey ?? "",
                        Content(body), delay, null, cancellationToken),
                });
            }

            var eventId = await messaging.SetStateAsync(requester, roomId, eventType, stateKey ?? "", Content(body),
                AppServiceTimestamp.Read(context), cancellationToken);
            await delayed.OnStateSetAsync(requester, roomId, eventType, stateKey ?? "", cancellationToken);
            return Results.Json(new JsonObject { ["event_id"] = eventId });
        }).RequireAccessToken().ExistedInR0().DeniedWhileSuspended().LimitedAsMessages();

        // GET /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}
        app.MapGet("/_matrix/client/v3/rooms/{roomId}/state/{eventType}/{**stateKey}", async (HttpContext context,
            string roomId, string eventType, string? stateKey, RoomReadService read, CancellationToken cancellationToken) =>
            Results.Json(await read.GetStateContentAsync(context.Requester(), roomId, eventType, stateKey ?? "",
                cancellationToken))).RequireAccessToken(allowGuests: true).ExistedInR0();

        // GET /_matrix/client/v3/rooms/{roomId}/state
        app.MapGet("/_matrix/client/v3/rooms/{roomId}/state", async (HttpContext context, string roomId,
            RoomReadService read, CancellationToken cancellationToken) =>
            Results.Json(await read.GetStateAsync(context.Requester(), roomId, cancellationToken)))
            .RequireAccessToken(allowGuests: true).ExistedInR0();

        // GET /_matrix/client/v3/rooms/{roomId}/event/{eventId}
        app.MapGet("/_matrix/client/v3/rooms/{roomId}/event/{eventId}", async (HttpContext context, string roomId,
            string eventId, RoomReadService read, CancellationToken cancellationToken) =>
            Results.Json(await read.GetEventAsync(context.Requester(), roomId, eventId, cancellationToken)))
            .RequireAccessToken(allowGuests: true).ExistedInR0();

        // PUT /_matrix/client/v3/rooms/{roomId}/redact/{eventId}/{txnId}
        app.MapPut("/_matrix/client/v3/rooms/{roomId}/redact/{eventId}/{txnId}", async (HttpContext context,
            string roomId, string eventId, string txnId, MessagingService messaging, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var reason = body.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            var redactionId = await messaging.RedactAsync(context.Requester(), roomId, eventId, reason, txnId,
                cancellationToken);
            return Results.Json(new JsonObject { ["event_id"] = redactionId });
        }).RequireAccessToken().ExistedInR0()
            .LimitedAsMessages(transactionPrefix: MessagingService.RedactionTransactionPrefix);
    }

    private static long? Delay(HttpContext context, DelayedEventService delayed) =>
        context.Request.Query.TryGetValue(DelayedEventService.DelayParameter, out var values) && values.Count > 0
            ? delayed.ParseDelay(values[0] ?? "")
            : null;

    private static JsonObject Content(JsonElement body) => JsonObject.Create(body)!.DeepClone().AsObject();
}
