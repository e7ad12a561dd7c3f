using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Http;
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
            // MSC2965's discovery for clients older than GET /auth_metadata (what Synapse advertises with MAS)
            ["org.matrix.msc2965.authentication"] = OAuth.AuthMetadataEndpoint.WellKnownBlock(BoundUrl(app, settings.ClientBaseUrl)),
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

        // GET /.well-known/matrix/support
        var support = SupportJson(settings.Support);
        app.MapGet("/.well-known/matrix/support", (HttpContext context) => support is null
            ? MatrixErrorWriter.WriteAsync(context, 404, ErrorCode.NotFound, "No support information is configured")
            : Results.Text(support, "application/json").ExecuteAsync(context));

        // GET /.well-known/matrix/policy_server: this server is no policy server and has no policy server key
        app.MapGet("/.well-known/matrix/policy_server", (HttpContext context) =>
            MatrixErrorWriter.WriteAsync(context, 404, ErrorCode.NotFound, "This server is not a policy server"));
    }

    private static string? SupportJson(SupportSettings? support)
    {
        if (support is null)
        {
            return null;
        }

        var json = new JsonObject();
        if (support.AdminMatrixId is not null || support.AdminEmail is not null)
        {
            var contact = new JsonObject { ["role"] = "m.role.admin" };
            if (support.AdminMatrixId is not null)
            {
                contact["matrix_id"] = support.AdminMatrixId;
            }

            if (support.AdminEmail is not null)
            {
                contact["email_address"] = support.AdminEmail;
            }

            json["contacts"] = new JsonArray(contact);
        }

        if (support.SupportPage is not null)
        {
            json["support_page"] = support.SupportPage.AbsoluteUri;
        }

        return json.ToJsonString();
    }

    /// <summary>
    /// The client listener's URL with the port the server really bound when it was configured with port 0 (the
    /// system picks one), so clients are never sent to port 0. Read on first use, after the server started.
    /// </summary>
    internal static Uri BoundUrl(IEndpointRouteBuilder app, Uri configured)
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
