using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services.Rooms.Delayed;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Rooms;

/// <summary>Delayed events (MSC4140, unstable prefix); scheduling is a query parameter of /send and /state.</summary>
public static class DelayedEventEndpoints
{
    private const string Prefix = "/_matrix/client/unstable/org.matrix.msc4140/delayed_events";

    public static void MapDelayedEvents(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/unstable/org.matrix.msc4140/delayed_events
        app.MapGet(Prefix, async (HttpContext context, DelayedEventService delayed, CancellationToken cancellationToken) =>
            Results.Json(await delayed.ListAsync(context.Requester(), context.Request.Query["status"].FirstOrDefault(),
                cancellationToken))).RequireAccessToken(allowGuests: true);

        // POST /_matrix/client/unstable/org.matrix.msc4140/delayed_events/{delay_id} ({"action": ...}, as Synapse has it)
        app.MapPost(Prefix + "/{delayId}", async (HttpContext context, string delayId, DelayedEventService delayed,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var action = body.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String
                ? a.GetString()!
                : throw new MatrixException(ErrorCode.MissingParam, "'action' is required");
            await delayed.ActAsync(delayId, action, cancellationToken);
            return Results.Json(new JsonObject());
        }).AllowAccessToken();

        // POST /_matrix/client/unstable/org.matrix.msc4140/delayed_events/{delay_id}/{action} (the MSC's current form)
        app.MapPost(Prefix + "/{delayId}/{action}", async (string delayId, string action, DelayedEventService delayed,
            CancellationToken cancellationToken) =>
        {
            await delayed.ActAsync(delayId, action, cancellationToken);
            return Results.Json(new JsonObject());
        }).AllowAccessToken();
    }
}
