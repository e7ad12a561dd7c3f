using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services.Keys;
using Homeserver.Services.Sync;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Keys;

public static class KeyEndpoints
{
    public static void MapDeviceKeys(this IEndpointRouteBuilder app)
    {
        // POST /_matrix/client/v3/keys/upload
        app.MapPost("/_matrix/client/v3/keys/upload", async (HttpContext context, KeyService keys,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            return Results.Json(await keys.UploadAsync(context.Requester(), body, cancellationToken));
        }).RequireAccessToken(allowGuests: true).ExistedInR0();

        // POST /_matrix/client/v3/keys/query
        app.MapPost("/_matrix/client/v3/keys/query", async (HttpContext context, KeyService keys,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            return Results.Json(await keys.QueryAsync(context.Requester(), body, cancellationToken));
        }).RequireAccessToken(allowGuests: true).ExistedInR0();

        // POST /_matrix/client/v3/keys/claim
        app.MapPost("/_matrix/client/v3/keys/claim", async (HttpContext context, KeyService keys,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            return Results.Json(await keys.ClaimAsync(body, cancellationToken));
        }).RequireAccessToken(allowGuests: true).ExistedInR0();

        // GET /_matrix/client/v3/keys/changes
        app.MapGet("/_matrix/client/v3/keys/changes", async (HttpContext context, string? from, string? to,
            DeviceListService deviceLists, CancellationToken cancellationToken) =>
        {
            if (from is null || to is null)
            {
                throw new MatrixException(ErrorCode.MissingParam, "'from' and 'to' are required");
            }

            var changes = await deviceLists.GetChangesAsync(context.Requester().UserId.Value, SyncToken.Parse(from),
                SyncToken.Parse(to), cancellationToken);
            return Results.Json(DeviceListSyncSection.ToJson(changes));
        }).RequireAccessToken(allowGuests: true).ExistedInR0();
    }
}
