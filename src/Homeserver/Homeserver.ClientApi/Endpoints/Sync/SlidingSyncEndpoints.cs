using System.Text.Json;
using Homeserver.ClientApi.Endpoints.Presence;
using Homeserver.ClientApi.Endpoints.Rooms;
using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services.Presence;
using Homeserver.Services.Sync;
using Homeserver.Services.Sync.Sliding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Sync;

/// <summary>Simplified sliding sync (MSC4186), under its unstable prefix and the stable v4 path.</summary>
public static class SlidingSyncEndpoints
{
    public const string UnstableFeature = "org.matrix.simplified_msc3575";

    public static void MapSlidingSync(this IEndpointRouteBuilder app)
    {
        // POST /_matrix/client/unstable/org.matrix.simplified_msc3575/sync
        app.MapPost("/_matrix/client/unstable/" + UnstableFeature + "/sync", SyncAsync)
            .RequireAccessToken(allowGuests: true).SetsOwnPresence();

        // POST /_matrix/client/v4/sync
        app.MapPost("/_matrix/client/v4/sync", SyncAsync).RequireAccessToken(allowGuests: true).SetsOwnPresence();
    }

    private static async Task<IResult> SyncAsync(HttpContext context, SlidingSyncService sync, PresenceService presence,
        CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
        var setPresence = context.Query("set_presence") ??
                          (body.TryGetProperty("set_presence", out var p) && p.ValueKind == JsonValueKind.String
                              ? p.GetString()
                              : null);
        var request = SlidingSyncRequest.Parse(body, context.Query("pos"), context.QueryInteger("timeout"),
            SyncService.MaxTimeout);
        using var syncing = await presence.SyncStartingAsync(context.Requester(), setPresence, cancellationToken);
        return BufferedJson.Of(await sync.SyncAsync(context.Requester(), request, cancellationToken));
    }
}
