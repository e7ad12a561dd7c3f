using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services.Social;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Social;

public static class TagEndpoints
{
    public static void MapTags(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags
        app.MapGet("/_matrix/client/v3/user/{userId}/rooms/{roomId}/tags", async (HttpContext context, string userId,
            string roomId, RoomTagService tags, CancellationToken cancellationToken) =>
            Results.Json(await tags.GetAsync(context.Requester(), userId, roomId, cancellationToken)))
            .RequireAccessToken(allowGuests: true).ExistedInR0();

        // PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag}
        app.MapPut("/_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag}", async (HttpContext context,
            string userId, string roomId, string tag, RoomTagService tags, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            await tags.PutAsync(context.Requester(), userId, roomId, tag, body, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken(allowGuests: true).ExistedInR0();

        // DELETE /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag}
        app.MapDelete("/_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag}", async (HttpContext context,
            string userId, string roomId, string tag, RoomTagService tags, CancellationToken cancellationToken) =>
        {
            await tags.DeleteAsync(context.Requester(), userId, roomId, tag, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken(allowGuests: true).ExistedInR0();
    }
}
