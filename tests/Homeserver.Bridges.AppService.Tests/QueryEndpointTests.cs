using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Bridges.AppService.Http;
using Homeserver.Bridges.AppService.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Homeserver.Bridges.AppService.Tests.TransactionEndpointTests;

namespace Homeserver.Bridges.AppService.Tests;

public sealed class QueryEndpointTests
{
    private static Task<AppServiceDatabaseSettings> NewDatabaseAsync() => TestDatabases.NewAsync(DatabaseDialect.Postgres);

    private sealed class KnowsEverything : IAppServiceQueryHandler
    {
        public Task<bool> UserExistsAsync(string userId, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<bool> RoomAliasExistsAsync(string alias, CancellationToken cancellationToken) => Task.FromResult(true);
    }

    private sealed class OneProtocol : IThirdPartyHandler
    {
        public Task<JsonObject?> GetProtocolAsync(string protocol, CancellationToken cancellationToken) =>
            Task.FromResult(protocol == "echo" ? new JsonObject { ["user_fields"] = new JsonArray("name") } : null);

        public Task<JsonArray?> QueryLocationsAsync(string protocol, IReadOnlyDictionary<string, string> fields,
            CancellationToken cancellationToken) => Task.FromResult<JsonArray?>(null);

        public Task<JsonArray?> QueryUsersAsync(string protocol, IReadOnlyDictionary<string, string> fields,
            CancellationToken cancellationToken) =>
            Task.FromResult<JsonArray?>(new JsonArray(new JsonObject { ["userid"] = "@_test_" + fields["name"] + ":example.org" }));

        public Task<JsonArray?> LocationsOfAliasAsync(string alias, CancellationToken cancellationToken) => Task.FromResult<JsonArray?>(null);

        public Task<JsonArray?> UsersOfUserIdAsync(string userId, CancellationToken cancellationToken) => Task.FromResult<JsonArray?>(null);
    }

    [Fact]
    public async Task User_query_is_404_M_NOT_FOUND_by_default()
    {
        await using var service = await TestAppService.StartAsync(await NewDatabaseAsync());

        await AssertErrorAsync(await service.SendAsync(HttpMethod.Get, "/_matrix/app/v1/users/%40_test_x%3Aexample.org"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task User_and_alias_queries_the_handler_knows_are_200_inside_the_namespaces_only()
    {
        await using var service = await TestAppService.StartAsync(await NewDatabaseAsync(),
            configure: s => s.AddSingleton<IAppServiceQueryHandler, KnowsEverything>());

        var ghost = await service.SendAsync(HttpMethod.Get, "/_matrix/app/v1/users/%40_test_x%3Aexample.org");
        var alias = await service.SendAsync(HttpMethod.Get, "/_matrix/app/v1/rooms/%23_test_room%3Aexample.org");
        var legacy = await service.SendAsync(HttpMethod.Get, "/users/%40_test_x%3Aexample.org");

        Assert.Equal(HttpStatusCode.OK, ghost.StatusCode);
        Assert.Equal("{}", await ghost.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, alias.StatusCode);
        Assert.Equal(HttpStatusCode.OK, legacy.StatusCode);
        await AssertErrorAsync(await service.SendAsync(HttpMethod.Get, "/_matrix/app/v1/users/%40alice%3Aexample.org"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await AssertErrorAsync(await service.SendAsync(HttpMethod.Get, "/_matrix/app/v1/users/%40_test_x%3Aother.org"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Queries_need_the_hs_token()
    {
        await using var service = await TestAppService.StartAsync(await NewDatabaseAsync());

        await AssertErrorAsync(await service.SendAsync(HttpMethod.Get, "/_matrix/app/v1/users/%40_test_x%3Aexample.org", token: null),
            HttpStatusCode.Unauthorized, "M_UNAUTHORIZED");
        await AssertErrorAsync(await service.SendAsync(HttpMethod.Post, "/_matrix/app/v1/ping", "{}", token: "nope"),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await AssertErrorAsync(await service.SendAsync(HttpMethod.Get, "/_matrix/app/v1/thirdparty/protocol/echo", token: null),
            HttpStatusCode.Unauthorized, "M_UNAUTHORIZED");
    }

    [Fact]
    public async Task Ping_with_the_hs_token_is_200_with_an_empty_object()
    {
        await using var service = await TestAppService.StartAsync(await NewDatabaseAsync());

        var response = await service.SendAsync(HttpMethod.Post, "/_matrix/app/v1/ping", """{"transaction_id": "t"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Third_party_lookups_are_404_M_NOT_FOUND_by_default()
    {
        await using var service = await TestAppService.StartAsync(await NewDatabaseAsync());

        foreach (var path in new[]
                 {
                     "/_matrix/app/v1/thirdparty/protocol/irc", "/_matrix/app/v1/thirdparty/user/irc?nick=x",
                     "/_matrix/app/v1/thirdparty/location/irc", "/_matrix/app/v1/thirdparty/user?userid=%40a%3Ab",
                     "/_matrix/app/v1/thirdparty/location?alias=%23a%3Ab", "/_matrix/app/unstable/thirdparty/protocol/irc",
                 })
        {
            await AssertErrorAsync(await service.SendAsync(HttpMethod.Get, path), HttpStatusCode.NotFound, "M_NOT_FOUND");
        }
    }

    [Fact]
    public async Task Third_party_handler_answers_protocols_and_user_queries_with_fields()
    {
        await using var service = await TestAppService.StartAsync(await NewDatabaseAsync(),
            configure: s => s.AddSingleton<IThirdPartyHandler, OneProtocol>());

        var protocol = await service.SendAsync(HttpMethod.Get, "/_matrix/app/v1/thirdparty/protocol/echo");
        var users = await service.SendAsync(HttpMethod.Get, "/_matrix/app/v1/thirdparty/user/echo?name=bob");

        Assert.Equal("""{"user_fields":["name"]}""", await protocol.Content.ReadAsStringAsync());
        Assert.Equal("""[{"userid":"@_test_bob:example.org"}]""", await users.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unknown_appservice_path_is_404_M_UNRECOGNIZED()
    {
        await using var service = await TestAppService.StartAsync(await NewDatabaseAsync());

        await AssertErrorAsync(await service.SendAsync(HttpMethod.Get, "/_matrix/app/v1/nothing-here"), HttpStatusCode.NotFound,
            "M_UNRECOGNIZED");
        await AssertErrorAsync(await service.SendAsync(HttpMethod.Get, "/_matrix/app/v1/transactions/1"), HttpStatusCode.NotFound,
            "M_UNRECOGNIZED");
    }
}
