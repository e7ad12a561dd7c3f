using System.Text.Json.Nodes;
using Homeserver.Http;
using Homeserver.Services.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Admin;

/// <summary>Synapse's registration-token admin API (<see cref="RegistrationTokenAdmin"/>).</summary>
public static class AdminRegistrationTokenEndpoints
{
    private const string Tokens = "/v1/registration_tokens";

    public static void Map(RouteGroupBuilder admin)
    {
        // GET /_synapse/admin/v1/registration_tokens?valid=true|false
        admin.MapGet(Tokens, async (HttpRequest request, RegistrationTokenAdmin tokens,
            CancellationToken cancellationToken) =>
            Results.Json(await tokens.ListAsync(AdminQuery.Boolean(request, "valid"), cancellationToken)));

        // POST /_synapse/admin/v1/registration_tokens/new (mapped before {token}: "new" is not a token here)
        admin.MapPost(Tokens + "/new", async (HttpRequest request, RegistrationTokenAdmin tokens,
            CancellationToken cancellationToken) =>
            Results.Json(await tokens.CreateAsync(await JsonBody.ReadObjectAsync(request, cancellationToken),
                cancellationToken)));

        // GET /_synapse/admin/v1/registration_tokens/{token}
        admin.MapGet(Tokens + "/{token}", async (string token, RegistrationTokenAdmin tokens,
            CancellationToken cancellationToken) => Results.Json(await tokens.GetAsync(token, cancellationToken)));

        // PUT /_synapse/admin/v1/registration_tokens/{token}
        admin.MapPut(Tokens + "/{token}", async (HttpRequest request, string token, RegistrationTokenAdmin tokens,
            CancellationToken cancellationToken) =>
            Results.Json(await tokens.UpdateAsync(token, await JsonBody.ReadObjectAsync(request, cancellationToken),
                cancellationToken)));

        // DELETE /_synapse/admin/v1/registration_tokens/{token}
        admin.MapDelete(Tokens + "/{token}", async (string token, RegistrationTokenAdmin tokens,
            CancellationToken cancellationToken) =>
        {
            await tokens.DeleteAsync(token, cancellationToken);
            return Results.Json(new JsonObject());
        });
    }
}
