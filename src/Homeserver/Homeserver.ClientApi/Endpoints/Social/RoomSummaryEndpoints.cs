using Homeserver.ClientApi.Http;
using Homeserver.Services.Rooms.Directory;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Social;

public static class RoomSummaryEndpoints
{
    public static void MapRoomSummary(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v1/room_summary/{roomIdOrAlias} (an access token is optional)
        app.MapGet("/_matrix/client/v1/room_summary/{roomIdOrAlias}", async (HttpContext context,
            string roomIdOrAlias, RoomSummaryService summaries, CancellationToken cancellationToken) =>
        {
            var via = context.Request.Query["via"].Where(v => v is not null).Select(v => v!).ToList();
            return Results.Json(await summaries.GetAsync(context.TryGetRequester(), roomIdOrAlias, via,
                cancellationToken));
        }).AllowAccessToken();
    }
}
