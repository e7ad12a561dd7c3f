using System.Text.Json;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services.AppServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.AppServices;

public static class AppServicePingEndpoint
{
    public static void MapAppServicePing(this IEndpointRouteBuilder app)
    {
        // POST /_matrix/client/v1/appservice/{appserviceId}/ping: only with that appservice's own as_token.
        app.MapPost("/_matrix/client/v1/appservice/{appserviceId}/ping", async (HttpContext context,
            string appserviceId, AppServicePing ping, CancellationToken cancellationToken) =>
        {
            var appService = context.Requester().AppService;
            if (appService is null || appService.Id != appserviceId)
            {
                throw new MatrixException(ErrorCode.Forbidden, "Provided access token is not the appservice's as_token");
            }

            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            string? transactionId = null;
            if (body.TryGetProperty("transaction_id", out var txn))
            {
                transactionId = txn.ValueKind == JsonValueKind.String ? txn.GetString()
                    : throw new MatrixException(ErrorCode.BadJson, "transaction_id must be a string");
            }

            var duration = await ping.PingAsync(appService, transactionId, cancellationToken);
            return Results.Json(new Dictionary<string, long> { ["duration_ms"] = duration });
        }).RequireAccessToken();
    }
}
