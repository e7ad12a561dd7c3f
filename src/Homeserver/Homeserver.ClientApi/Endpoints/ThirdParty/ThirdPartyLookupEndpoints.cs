using Homeserver.ClientApi.Http;
using Homeserver.Services.AppServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.ThirdParty;

/// <summary>
/// Third-party network lookups, answered by the application services that registered the protocol
/// (<see cref="ThirdPartyProtocols"/>). The client's query fields are passed on, its access token is not.
/// </summary>
public static class ThirdPartyLookupEndpoints
{
    public static void MapThirdPartyLookups(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v3/thirdparty/protocols
        app.MapGet("/_matrix/client/v3/thirdparty/protocols", async (ThirdPartyProtocols protocols,
                CancellationToken cancellationToken) => Results.Json(await protocols.GetProtocolsAsync(cancellationToken)))
            .RequireAccessToken().ExistedInR0();

        // GET /_matrix/client/v3/thirdparty/protocol/{protocol}
        app.MapGet("/_matrix/client/v3/thirdparty/protocol/{protocol}", async (string protocol,
                ThirdPartyProtocols protocols, CancellationToken cancellationToken) =>
                Results.Json(await protocols.GetProtocolAsync(protocol, cancellationToken)))
            .RequireAccessToken().ExistedInR0();

        // GET /_matrix/client/v3/thirdparty/location/{protocol}
        // GET /_matrix/client/v3/thirdparty/user/{protocol}
        foreach (var kind in new[] { "location", "user" })
        {
            app.MapGet($"/_matrix/client/v3/thirdparty/{kind}/{{protocol}}", async (string protocol, HttpRequest request,
                    ThirdPartyProtocols protocols, CancellationToken cancellationToken) =>
                    Results.Json(await protocols.LookUpAsync(kind, protocol, FieldsOf(request), cancellationToken)))
                .RequireAccessToken().ExistedInR0();
        }

        // GET /_matrix/client/v3/thirdparty/location?alias=
        // GET /_matrix/client/v3/thirdparty/user?userid=
        foreach (var kind in new[] { "location", "user" })
        {
            app.MapGet($"/_matrix/client/v3/thirdparty/{kind}", async (HttpRequest request,
                    ThirdPartyProtocols protocols, CancellationToken cancellationToken) =>
                    Results.Json(await protocols.ReverseLookUpAsync(kind, FieldsOf(request), cancellationToken)))
                .RequireAccessToken().ExistedInR0();
        }
    }

    /// <summary>The request's query string without the access token ("" or "?...").</summary>
    private static string FieldsOf(HttpRequest request)
    {
        var query = new QueryBuilder();
        foreach (var (name, values) in request.Query)
        {
            if (name == "access_token")
            {
                continue;
            }

            foreach (var value in values)
            {
                query.Add(name, value ?? "");
            }
        }

        return query.ToQueryString().Value ?? "";
    }
}
