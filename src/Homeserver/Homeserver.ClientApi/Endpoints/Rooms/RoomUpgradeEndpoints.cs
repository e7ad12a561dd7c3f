using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services.Rooms;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Rooms;

public static class RoomUpgradeEndpoints
{
    public static void MapRoomUpgrades(this IEndpointRouteBuilder app)
    {
        // POST /_matrix/client/v3/rooms/{roomId}/upgrade
        app.MapPost("/_matrix/client/v3/rooms/{roomId}/upgrade", async (HttpContext context, string roomId,
            RoomUpgradeService upgrades, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var version = body.TryGetProperty("new_version", out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()!
                : throw new MatrixException(ErrorCode.BadJson, "new_version is required and must be a string");
            var replacement = await upgrades.UpgradeAsync(context.Requester(), roomId, version,
                AdditionalCreators(body), cancellationToken);
            return Results.Json(new JsonObject { ["replacement_room"] = replacement });
        }).RequireAccessToken().ExistedInR0();
    }

    private static List<string> AdditionalCreators(JsonElement body)
    {
        if (!body.TryGetProperty("additional_creators", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return list.ValueKind == JsonValueKind.Array && list.EnumerateArray().All(c => c.ValueKind == JsonValueKind.String)
            ? list.EnumerateArray().Select(c => c.GetString()!).ToList()
            : throw new MatrixException(ErrorCode.BadJson, "additional_creators must be a list of user IDs");
    }
}
