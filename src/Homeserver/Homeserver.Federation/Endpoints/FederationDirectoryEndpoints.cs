using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Services.Federation.Queries;
using Homeserver.Services.Rooms.Directory;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.Federation.Endpoints;

/// <summary>This server's room directory and spaces for other servers.</summary>
public static class FederationDirectoryEndpoints
{
    public static void MapFederationDirectory(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/federation/v1/publicRooms
        app.MapGet("/_matrix/federation/v1/publicRooms", async (HttpContext context, RoomDirectoryService directory,
            CancellationToken cancellationToken) =>
        {
            _ = context.Origin();
            var query = context.Request.Query;
            _ = Flag(query["include_all_networks"].FirstOrDefault(), "include_all_networks");
            var request = new PublicRoomsRequest(null, PublicRoomsBody.ParseLimit(query["limit"].FirstOrDefault()),
                query["since"].FirstOrDefault(), null, null);
            return Results.Json(await ListAsync(directory, request,
                query["third_party_instance_id"].FirstOrDefault(), cancellationToken));
        });

        // POST /_matrix/federation/v1/publicRooms
        app.MapPost("/_matrix/federation/v1/publicRooms", async (HttpContext context, RoomDirectoryService directory,
            CancellationToken cancellationToken) =>
        {
            _ = context.Origin();
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            if (body.TryGetProperty("include_all_networks", out var all) &&
                all.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
            {
                throw new MatrixException(ErrorCode.BadJson, "'include_all_networks' must be a boolean");
            }

            string? instance = null;
            if (body.TryGetProperty("third_party_instance_id", out var id) && id.ValueKind != JsonValueKind.Null)
            {
                instance = id.ValueKind == JsonValueKind.String ? id.GetString()
                    : throw new MatrixException(ErrorCode.BadJson, "'third_party_instance_id' must be a string");
            }

            return Results.Json(await ListAsync(directory, PublicRoomsBody.Parse(null, body), instance,
                cancellationToken));
        });

        // GET /_matrix/federation/v1/hierarchy/{roomId}
        app.MapGet("/_matrix/federation/v1/hierarchy/{roomId}", async (HttpContext context, string roomId,
            FederationHierarchyQuery hierarchy, CancellationToken cancellationToken) =>
        {
            var suggestedOnly = Flag(context.Request.Query["suggested_only"].FirstOrDefault(), "suggested_only");
            return Results.Json(await hierarchy.GetAsync(context.Origin(), roomId, suggestedOnly, cancellationToken));
        });
    }

    /// <summary>This server's directory: it bridges no third-party networks, so a third-party instance lists no
    /// rooms, and all networks are this one.</summary>
    private static async Task<JsonObject> ListAsync(RoomDirectoryService directory, PublicRoomsRequest request,
        string? thirdPartyInstanceId, CancellationToken cancellationToken) =>
        thirdPartyInstanceId is null
            ? await directory.ListAsync(request, cancellationToken)
            : new JsonObject { ["chunk"] = new JsonArray(), ["total_room_count_estimate"] = 0 };

    private static bool Flag(string? value, string name) => value switch
    {
        null or "false" => false,
        "true" => true,
        _ => throw new MatrixException(ErrorCode.InvalidParam, $"{name} must be true or false"),
    };
}
