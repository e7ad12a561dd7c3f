using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services.Keys.Dehydration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Keys;

/// <summary>Dehydrated devices (MSC3814) under its unstable prefix, as matrix-js-sdk calls them.</summary>
public static class DehydratedDeviceEndpoints
{
    public const string UnstableFeature = "org.matrix.msc3814";
    private const string Prefix = "/_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device";

    public static void MapDehydratedDevices(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device
        app.MapGet(Prefix, async (HttpContext context, DehydratedDeviceService devices,
                CancellationToken cancellationToken) =>
            Results.Json(await devices.GetAsync(context.Requester(), cancellationToken)))
            .RequireAccessToken();

        // PUT /_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device
        app.MapPut(Prefix, async (HttpContext context, DehydratedDeviceService devices,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            return Results.Json(await devices.PutAsync(context.Requester(), body, cancellationToken));
        }).RequireAccessToken();

        // DELETE /_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device
        app.MapDelete(Prefix, async (HttpContext context, DehydratedDeviceService devices,
                CancellationToken cancellationToken) =>
            Results.Json(await devices.DeleteAsync(context.Requester(), cancellationToken)))
            .RequireAccessToken();

        // GET /_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device/{device_id}/events
        app.MapGet(Prefix + "/{deviceId}/events", async (HttpContext context, string deviceId, string? from,
                string? limit, DehydratedDeviceService devices, CancellationToken cancellationToken) =>
            Results.Json(await devices.GetEventsAsync(context.Requester(), deviceId, from, limit, alwaysNextBatch: false,
                cancellationToken)))
            .RequireAccessToken();

        // POST /_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device/{device_id}/events
        // (the MSC's earlier form, which Synapse still serves: next_batch in the body, and always in the answer)
        app.MapPost(Prefix + "/{deviceId}/events", async (HttpContext context, string deviceId, string? limit,
            DehydratedDeviceService devices, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var from = body.TryGetProperty("next_batch", out var next) &&
                       next.ValueKind == System.Text.Json.JsonValueKind.String ? next.GetString() : null;
            return Results.Json(await devices.GetEventsAsync(context.Requester(), deviceId, from, limit,
                alwaysNextBatch: true, cancellationToken));
        }).RequireAccessToken();
    }
}
