using Homeserver.Federation.Http;
using Homeserver.Core.Errors;
using Homeserver.Services.Federation;
using Homeserver.Services.Rooms.Directory;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.Federation.Endpoints;

public static class QueryEndpoints
{
    public static void MapFederationQueries(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/federation/v1/query/profile
        app.MapGet("/_matrix/federation/v1/query/profile", async (HttpContext context, FederationProfileQuery profiles,
            CancellationToken cancellationToken) =>
        {
            _ = context.Origin(); // authenticated: the X-Matrix middleware ran (throws otherwise)
            return Results.Json(await profiles.QueryAsync(context.Request.Query["user_id"].FirstOrDefault(),
                context.Request.Query["field"].FirstOrDefault(), cancellationToken));
        });

        // GET /_matrix/federation/v1/query/directory
        app.MapGet("/_matrix/federation/v1/query/directory", async (HttpContext context, RoomAliasService aliases,
            CancellationToken cancellationToken) =>
        {
            _ = context.Origin();
            var alias = context.Request.Query["room_alias"].FirstOrDefault()
                        ?? throw new MatrixException(ErrorCode.MissingParam, "The room_alias parameter is required");
            return Results.Json(await aliases.GetAsync(aliases.ParseLocal(alias).Value, cancellationToken));
        });
    }
}
