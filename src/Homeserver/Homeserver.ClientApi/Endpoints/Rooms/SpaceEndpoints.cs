using System.Globalization;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Services.Rooms.Directory;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Rooms;

public static class SpaceEndpoints
{
    public static void MapSpaces(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v1/rooms/{roomId}/hierarchy
        app.MapGet("/_matrix/client/v1/rooms/{roomId}/hierarchy", async (HttpContext context, string roomId,
            string? limit, string? max_depth, string? from, SpaceHierarchyService spaces,
            CancellationToken cancellationToken) =>
        {
            var request = new HierarchyRequest(context.QueryBoolean("suggested_only"), Integer(limit, "limit"),
                Integer(max_depth, "max_depth"), from);
            return Results.Json(await spaces.GetAsync(context.Requester(), roomId, request, cancellationToken));
        }).RequireAccessToken(allowGuests: true);
    }

    private static int? Integer(string? text, string name) =>
        text is null ? null
        : int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value
        : throw new MatrixException(ErrorCode.InvalidParam, $"'{name}' must be an integer");
}
