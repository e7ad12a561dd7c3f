using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Services.Rooms;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Rooms;

public static class RelationsEndpoints
{
    public static void MapRelations(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId}
        app.MapGet("/_matrix/client/v1/rooms/{roomId}/relations/{eventId}", (HttpContext context, string roomId,
            string eventId, string? from, string? to, string? dir, int? limit, bool? recurse, RelationsService relations,
            CancellationToken cancellationToken) =>
            GetAsync(context, relations, new RelationsService.Request(roomId, eventId, null, null, from, to,
                Forwards(dir), limit, recurse), cancellationToken)).RequireAccessToken();

        // GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}
        app.MapGet("/_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}", (HttpContext context,
            string roomId, string eventId, string relType, string? from, string? to, string? dir, int? limit,
            bool? recurse, RelationsService relations, CancellationToken cancellationToken) =>
            GetAsync(context, relations, new RelationsService.Request(roomId, eventId, relType, null, from, to,
                Forwards(dir), limit, recurse), cancellationToken)).RequireAccessToken();

        // GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}/{eventType}
        app.MapGet("/_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}/{eventType}", (HttpContext context,
            string roomId, string eventId, string relType, string eventType, string? from, string? to, string? dir,
            int? limit, bool? recurse, RelationsService relations, CancellationToken cancellationToken) =>
            GetAsync(context, relations, new RelationsService.Request(roomId, eventId, relType, eventType, from, to,
                Forwards(dir), limit, recurse), cancellationToken)).RequireAccessToken();

        // GET /_matrix/client/v1/rooms/{roomId}/threads
        app.MapGet("/_matrix/client/v1/rooms/{roomId}/threads", async (HttpContext context, string roomId,
            string? include, string? from, int? limit, RelationsService relations, CancellationToken cancellationToken) =>
            Results.Json(await relations.GetThreadsAsync(context.Requester(), roomId, include, from, limit,
                cancellationToken))).RequireAccessToken();
    }

    private static async Task<IResult> GetAsync(HttpContext context, RelationsService relations,
        RelationsService.Request request, CancellationToken cancellationToken) =>
        Results.Json(await relations.GetRelationsAsync(context.Requester(), request, cancellationToken));

    private static bool Forwards(string? dir) => dir switch
    {
        "f" => true,
        "b" or null => false,
        _ => throw new MatrixException(ErrorCode.InvalidParam, "dir must be b or f"),
    };
}
