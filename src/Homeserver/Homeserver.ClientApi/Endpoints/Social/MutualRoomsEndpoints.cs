using Homeserver.ClientApi.Http;
using Homeserver.Services.Social;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Social;

public static class MutualRoomsEndpoints
{
    public static void MapMutualRooms(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v1/mutual_rooms
        app.MapGet("/_matrix/client/v1/mutual_rooms", async (HttpContext context, MutualRoomsService mutualRooms,
            CancellationToken cancellationToken) =>
        {
            var query = context.Request.Query;
            return Results.Json(await mutualRooms.GetAsync(context.Requester(),
                query.TryGetValue("user_id", out var user) ? user[0] : null,
                query.TryGetValue("from", out var from) ? from[0] : null, cancellationToken));
        }).RequireAccessToken();
    }
}
