using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Services.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints;

public static class WellKnownEndpoints
{
    public static void MapWellKnown(this IEndpointRouteBuilder app, WellKnownSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var client = new JsonObject
        {
            ["m.homeserver"] = new JsonObject { ["base_url"] = settings.ClientBaseUrl.AbsoluteUri.TrimEnd('/') },
        }.ToJsonString();

        // GET /.well-known/matrix/client
        app.MapGet("/.well-known/matrix/client", () => Results.Text(client, "application/json"));

        // GET /.well-known/matrix/server
        app.MapGet("/.well-known/matrix/server", (HttpContext context) =>
        {
            if (settings.Server is null)
            {
                return MatrixErrorWriter.WriteAsync(context, 404, ErrorCode.NotFound,
                    "This server does not delegate federation");
            }

            return Results.Text(new JsonObject { ["m.server"] = settings.Server }.ToJsonString(), "application/json")
                .ExecuteAsync(context);
        });
    }
}
