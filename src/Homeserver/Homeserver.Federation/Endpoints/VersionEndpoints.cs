using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Homeserver.Federation.Http;

namespace Homeserver.Federation.Endpoints;

public static class VersionEndpoints
{
    public const string ImplementationName = "Homeserver";

    public static void MapFederationVersion(this IEndpointRouteBuilder app)
    {
        var version = Assembly.GetEntryAssembly()?.GetName().Version?.ToString(3) ?? "0.0.0";
        // GET /_matrix/federation/v1/version (the spec asks for no authentication)
        app.MapGet("/_matrix/federation/v1/version", () => Results.Json(new JsonObject
        {
            ["server"] = new JsonObject { ["name"] = ImplementationName, ["version"] = version },
        })).AllowUnauthenticated();
    }
}
