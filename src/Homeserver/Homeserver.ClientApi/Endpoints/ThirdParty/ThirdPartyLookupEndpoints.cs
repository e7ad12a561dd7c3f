using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.ThirdParty;

/// <summary>
/// Third-party network lookups. Protocols come from application services' registrations, and none is registered:
/// the protocol list is empty, a named protocol is unknown (404), and reverse lookups find nothing.
/// </summary>
public static class ThirdPartyLookupEndpoints
{
    public static void MapThirdPartyLookups(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v3/thirdparty/protocols
        app.MapGet("/_matrix/client/v3/thirdparty/protocols", () => Results.Json(new JsonObject()))
            .RequireAccessToken().ExistedInR0();

        // GET /_matrix/client/v3/thirdparty/protocol/{protocol}
        // GET /_matrix/client/v3/thirdparty/location/{protocol}
        // GET /_matrix/client/v3/thirdparty/user/{protocol}
        foreach (var kind in new[] { "protocol", "location", "user" })
        {
            app.MapGet($"/_matrix/client/v3/thirdparty/{kind}/{{protocol}}", (string protocol) =>
                    Task.FromException<IResult>(new MatrixException(ErrorCode.NotFound, $"Unknown protocol '{protocol}'")))
                .RequireAccessToken().ExistedInR0();
        }

        // GET /_matrix/client/v3/thirdparty/location?alias=
        // GET /_matrix/client/v3/thirdparty/user?userid=
        foreach (var kind in new[] { "location", "user" })
        {
            app.MapGet($"/_matrix/client/v3/thirdparty/{kind}", () => Results.Json(new JsonArray()))
                .RequireAccessToken().ExistedInR0();
        }
    }
}
