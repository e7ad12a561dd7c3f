using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services.Admin;
using Homeserver.Services.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Admin;

public static class SharedSecretRegistrationEndpoint
{
    public static void Map(RouteGroupBuilder open)
    {
        // GET /_synapse/admin/v1/register: a nonce (Synapse hands one out even when the secret is not set)
        open.MapGet("/v1/register", async (SharedSecretRegistration registration, CancellationToken cancellationToken) =>
            Results.Json(new JsonObject { ["nonce"] = await registration.NewNonceAsync(cancellationToken) }));

        // POST /_synapse/admin/v1/register: every attempt is audited with the actor 'shared_secret'
        open.MapPost("/v1/register", async (HttpContext context, SharedSecretRegistration registration,
            HomeserverSettings settings, CancellationToken cancellationToken) =>
        {
            string? username = null;
            try
            {
                var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
                var registered = await registration.RegisterAsync(body, name => username = name, cancellationToken);
                await AdminAccessFilter.RecordAsync(context, AdminAuditLog.SharedSecretActor,
                    StatusCodes.Status200OK, null, registered.UserId.Value);
                var response = new JsonObject
                {
                    ["user_id"] = registered.UserId.Value,
                    ["home_server"] = settings.ServerName.Value,
                };
                if (registered.AccessToken is not null)
                {
                    response["access_token"] = registered.AccessToken;
                    response["device_id"] = registered.DeviceId;
                }

                if (registered.RefreshToken is not null)
                {
                    response["refresh_token"] = registered.RefreshToken;
                    response["expires_in_ms"] = registered.ExpiresInMs;
                }

                return Results.Json(response);
            }
            catch (MatrixException refused)
            {
                await AdminAccessFilter.RecordAsync(context, AdminAuditLog.SharedSecretActor, refused.HttpStatus,
                    refused.Code.Code, username);
                throw;
            }
        });
    }
}
