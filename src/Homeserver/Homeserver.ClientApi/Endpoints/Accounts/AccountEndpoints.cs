using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Accounts;

public static class AccountEndpoints
{
    public static void MapAccount(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v3/account/whoami
        app.MapGet("/_matrix/client/v3/account/whoami", (HttpContext context) =>
        {
            var requester = context.Requester();
            var response = new JsonObject { ["user_id"] = requester.UserId.Value, ["is_guest"] = requester.IsGuest };
            if (requester.DeviceId is not null)
            {
                response["device_id"] = requester.DeviceId;
            }

            return Results.Json(response);
        }).RequireAccessToken(allowGuests: true).ExistedInR0();

        // POST /_matrix/client/v3/account/password
        app.MapPost("/_matrix/client/v3/account/password", async (HttpContext context,
            AccountManagementService management, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var requester = context.Requester();
            var newPassword = body.TryGetProperty("new_password", out var p) && p.ValueKind == JsonValueKind.String
                ? p.GetString()!
                : throw new MatrixException(ErrorCode.MissingParam, "'new_password' is required");
            var logoutDevices = !body.TryGetProperty("logout_devices", out var l) || l.ValueKind != JsonValueKind.False;
            await management.ChangePasswordAsync(requester, newPassword, logoutDevices, context.ForUia(body, requester),
                cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().ExistedInR0();

        // POST /_matrix/client/v3/account/deactivate
        app.MapPost("/_matrix/client/v3/account/deactivate", async (HttpContext context,
            AccountManagementService management, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var requester = context.Requester();
            var erase = body.TryGetProperty("erase", out var e) && e.ValueKind == JsonValueKind.True;
            await management.DeactivateAsync(requester, erase, context.ForUia(body, requester), cancellationToken);
            return Results.Json(new JsonObject { ["id_server_unbind_result"] = "no-support" });
        }).RequireAccessToken().ExistedInR0();
    }
}
