using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services.Social;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Social;

public static class UserDirectoryEndpoints
{
    public static void MapUserDirectory(this IEndpointRouteBuilder app)
    {
        // POST /_matrix/client/v3/user_directory/search
        app.MapPost("/_matrix/client/v3/user_directory/search", async (HttpContext context,
            UserDirectoryService directory, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            return Results.Json(await directory.SearchAsync(context.Requester(), body, cancellationToken));
        }).RequireAccessToken().ExistedInR0();
    }
}
