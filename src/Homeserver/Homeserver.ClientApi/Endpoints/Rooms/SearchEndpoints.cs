using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services.Rooms;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Rooms;

public static class SearchEndpoints
{
    public static void MapSearch(this IEndpointRouteBuilder app)
    {
        // POST /_matrix/client/v3/search
        app.MapPost("/_matrix/client/v3/search", async (HttpContext context, string? next_batch, SearchService search,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            return Results.Json(await search.SearchAsync(context.Requester(), body, next_batch, cancellationToken));
        }).RequireAccessToken().ExistedInR0();
    }
}
