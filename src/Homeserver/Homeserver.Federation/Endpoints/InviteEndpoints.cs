using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Services.Federation.Membership;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.Federation.Endpoints;

public static class InviteEndpoints
{
    public static void MapFederationInvites(this IEndpointRouteBuilder app)
    {
        // PUT /_matrix/federation/v2/invite/{roomId}/{eventId}
        app.MapPut("/_matrix/federation/v2/invite/{roomId}/{eventId}", async (HttpContext context, string roomId,
            string eventId, InviteReceiver invites, CancellationToken cancellationToken) =>
        {
            var body = JsonObject.Create(await JsonBody.ReadObjectAsync(context.Request, cancellationToken))!;
            var invite = body["event"] as JsonObject ??
                         throw new MatrixException(ErrorCode.BadJson, "'event' must be an object");
            var version = body["room_version"] is JsonValue v && v.TryGetValue<string>(out var id)
                ? id
                : throw new MatrixException(ErrorCode.BadJson, "'room_version' must be a string");
            var state = body["invite_room_state"] switch
            {
                null => null,
                JsonArray array => array,
                _ => throw new MatrixException(ErrorCode.BadJson, "'invite_room_state' must be an array"),
            };
            return Results.Json(await invites.ReceiveAsync(context.Origin(), roomId, eventId, version,
                invite.DeepClone().AsObject(), state?.DeepClone().AsArray(), cancellationToken));
        });

        // PUT /_matrix/federation/v1/invite/{roomId}/{eventId} (deprecated: room versions 1 and 2 only)
        app.MapPut("/_matrix/federation/v1/invite/{roomId}/{eventId}", async (HttpContext context, string roomId,
            string eventId, InviteReceiver invites, CancellationToken cancellationToken) =>
        {
            var invite = JsonObject.Create(await JsonBody.ReadObjectAsync(context.Request, cancellationToken))!;
            var state = invite["unsigned"]?["invite_room_state"] as JsonArray;
            var signed = await invites.ReceiveAsync(context.Origin(), roomId, eventId, "1", invite,
                state?.DeepClone().AsArray(), cancellationToken);
            return Results.Json(new JsonArray(200, signed));
        });
    }
}
