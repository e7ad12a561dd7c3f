using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Services.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.ClientApi.Endpoints;

public static class WellKnownEndpoints
{
    public static void MapWellKnown(this IEndpointRouteBuilder app, WellKnownSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var client = new Lazy<string>(() => new JsonObject
        {
            ["m.homeserver"] = new JsonObject { ["base_url"] = BoundUrl(app, settings.ClientBaseUrl).AbsoluteUri.TrimEnd('/') },
        }.ToJsonString());

        // GET /.well-known/matrix/client
        app.MapGet("/.well-known/matrix/client", () => Results.Text(client.Value, "application/json"));

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

    /// <summary>
    /// The client listener's URL with the port the server really bound when it was configured with port 0 (the
    /// system picks one), so clients are never sent to port 0. Read on first use, after the server started.
    /// </summary>
    private static Uri BoundUrl(IEndpointRouteBuilder app, Uri configured)
    {
        if (configured.Port != 0)
        {
            return configured;
        }

        var bound = app.ServiceProvider.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => new Uri(a.Replace("[::]", "localhost", StringComparison.Ordinal)))
            .FirstOrDefault(a => a.Scheme == configured.Scheme);
        return bound is null ? configured : new UriBuilder(configured) { Port = bound.Port }.Uri;
    }
}
