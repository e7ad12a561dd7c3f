using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Admin;

public static class ServerVersionEndpoint
{
    // GET /_synapse/admin/v1/server_version: public in Synapse (tools ask before they log in), so no token here either.
    public static void Map(RouteGroupBuilder open)
    {
        var version = Assembly.GetEntryAssembly()?.GetName().Version?.ToString(3) ?? "0.0.0";
        open.MapGet("/v1/server_version", () => Results.Json(new JsonObject { ["server_version"] = version }));
    }
}
