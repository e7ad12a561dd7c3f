using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.Bridges.AppService.Http;

/// <summary>
/// The appservice's HTTP side (spec: Application Service API), all behind the <c>hs_token</c> check: transactions,
/// user and alias queries, ping and the third-party lookups, under <c>/_matrix/app/v1</c> and at the legacy unprefixed
/// paths (and <c>/_matrix/app/unstable</c> for third-party) that older homeservers call. Anything else under
/// <c>/_matrix/app</c> is 404 <c>M_UNRECOGNIZED</c>.
/// </summary>
public static class AppServiceApi
{
    /// <param name="legacyPaths">also serve <c>/transactions</c>, <c>/users</c> and <c>/rooms</c> at the root.</param>
    public static IEndpointRouteBuilder MapAppServiceApi(this IEndpointRouteBuilder app, bool legacyPaths = true)
    {
        ArgumentNullException.ThrowIfNull(app);
        MapCore(Guarded(app.MapGroup("/_matrix/app/v1")));
        MapThirdParty(Guarded(app.MapGroup("/_matrix/app/v1/thirdparty")));
        MapThirdParty(Guarded(app.MapGroup("/_matrix/app/unstable/thirdparty")));
        if (legacyPaths)
        {
            MapCore(Guarded(app.MapGroup("")), legacy: true);
        }

        app.Map("/_matrix/app/{**rest}", () => AppServiceErrors.Unrecognized());
        return app;
    }

    private static RouteGroupBuilder Guarded(RouteGroupBuilder group)
    {
        group.AddEndpointFilter<ErrorBoundary>().AddEndpointFilter<HsTokenCheck>();
        return group;
    }

    private static void MapCore(RouteGroupBuilder group, bool legacy = false)
    {
        // PUT /_matrix/app/v1/transactions/{txnId}
        group.MapPut("/transactions/{txnId}", TransactionEndpoint.HandleAsync);
        // GET /_matrix/app/v1/users/{userId}
        group.MapGet("/users/{userId}", QueryUserAsync);
        // GET /_matrix/app/v1/rooms/{roomAlias}
        group.MapGet("/rooms/{roomAlias}", QueryRoomAliasAsync);
        if (!legacy)
        {
            // POST /_matrix/app/v1/ping
            group.MapPost("/ping", () => AppServiceErrors.Empty());
        }
    }

    private static void MapThirdParty(RouteGroupBuilder group)
    {
        // GET /_matrix/app/v1/thirdparty/protocol/{protocol}
        group.MapGet("/protocol/{protocol}", async (string protocol, IThirdPartyHandler handler, CancellationToken ct) =>
            Found(await handler.GetProtocolAsync(protocol, ct), "Unknown protocol"));
        // GET /_matrix/app/v1/thirdparty/location/{protocol}
        group.MapGet("/location/{protocol}", async (string protocol, HttpRequest request, IThirdPartyHandler handler, CancellationToken ct) =>
            Found(await handler.QueryLocationsAsync(protocol, Fields(request), ct), "No locations found"));
        // GET /_matrix/app/v1/thirdparty/user/{protocol}
        group.MapGet("/user/{protocol}", async (string protocol, HttpRequest request, IThirdPartyHandler handler, CancellationToken ct) =>
            Found(await handler.QueryUsersAsync(protocol, Fields(request), ct), "No users found"));
        // GET /_matrix/app/v1/thirdparty/location?alias=
        group.MapGet("/location", async (HttpRequest request, IThirdPartyHandler handler, CancellationToken ct) =>
            request.Query["alias"].ToString() is { Length: > 0 } alias
                ? Found(await handler.LocationsOfAliasAsync(alias, ct), "No locations found")
                : AppServiceErrors.Error(StatusCodes.Status400BadRequest, "M_MISSING_PARAM", "'alias' is required"));
        // GET /_matrix/app/v1/thirdparty/user?userid=
        group.MapGet("/user", async (HttpRequest request, IThirdPartyHandler handler, CancellationToken ct) =>
            request.Query["userid"].ToString() is { Length: > 0 } userId
                ? Found(await handler.UsersOfUserIdAsync(userId, ct), "No users found")
                : AppServiceErrors.Error(StatusCodes.Status400BadRequest, "M_MISSING_PARAM", "'userid' is required"));
    }

    private static async Task<IResult> QueryUserAsync(string userId, IAppServiceQueryHandler handler, AppServiceIdentity identity,
        CancellationToken cancellationToken)
    {
        userId = SlashDecoded(userId);
        return identity.IsOwnUser(userId) && await handler.UserExistsAsync(userId, cancellationToken)
            ? AppServiceErrors.Empty()
            : AppServiceErrors.NotFound("No such user");
    }

    private static async Task<IResult> QueryRoomAliasAsync(string roomAlias, IAppServiceQueryHandler handler,
        AppServiceIdentity identity, CancellationToken cancellationToken)
    {
        roomAlias = SlashDecoded(roomAlias);
        return identity.Registration.IsInAliasNamespace(roomAlias) && await handler.RoomAliasExistsAsync(roomAlias, cancellationToken)
            ? AppServiceErrors.Empty()
            : AppServiceErrors.NotFound("No such room alias");
    }

    /// <summary>ASP.NET decodes every escape in a route value but <c>%2F</c>; user IDs may contain '/'.</summary>
    private static string SlashDecoded(string value) =>
        value.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    private static IResult Found(JsonNode? answer, string notFound) =>
        answer is null || answer is JsonArray { Count: 0 } ? AppServiceErrors.NotFound(notFound) : Results.Json(answer);

    private static Dictionary<string, string> Fields(HttpRequest request) =>
        request.Query.Where(q => q.Key != "access_token").ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
}
