using System.Net;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Federation;

/// <summary>Each listener serves only its own API: client routes on the client listener, federation and key routes on
/// the federation listener; anything else is 404 M_UNRECOGNIZED in JSON.</summary>
public sealed class FederationListenerTests
{
    [Fact]
    public async Task The_federation_listener_serves_federation_and_key_routes_and_not_client_routes()
    {
        var (server, federation, _) = await FederatedServer.StartAsync("listeners.test");
        await using var runningServer = server;
        using var client = FederatedServer.Client(federation);

        var version = await MatrixAssert.OkAsync(await client.GetAsync("/_matrix/federation/v1/version"));
        Assert.Equal("Homeserver", version.GetProperty("server").GetProperty("name").GetString());
        await MatrixAssert.OkAsync(await client.GetAsync("/_matrix/key/v2/server"));
        var byKeyId = await MatrixAssert.OkAsync(await client.GetAsync("/_matrix/key/v2/server/ed25519:any"));
        Assert.Equal("listeners.test", byKeyId.GetProperty("server_name").GetString());
        var notarised = await MatrixAssert.OkAsync(await client.GetAsync("/_matrix/key/v2/query/listeners.test/ed25519:x"));
        Assert.Single(notarised.GetProperty("server_keys").EnumerateArray());

        await MatrixAssert.ErrorAsync(await client.GetAsync("/_matrix/client/versions"), HttpStatusCode.NotFound,
            "M_UNRECOGNIZED");
        await MatrixAssert.ErrorAsync(await client.GetAsync("/health/ready"), HttpStatusCode.NotFound,
            "M_UNRECOGNIZED");
        await MatrixAssert.ErrorAsync(await client.GetAsync("/_matrix/federation/v1/nothing"), HttpStatusCode.NotFound,
            "M_UNRECOGNIZED");
        await MatrixAssert.ErrorAsync(await client.PostAsync("/_matrix/federation/v1/version", null),
            HttpStatusCode.MethodNotAllowed, "M_UNRECOGNIZED");
    }

    [Fact]
    public async Task The_client_listener_does_not_serve_federation_or_key_routes()
    {
        var (server, _, _) = await FederatedServer.StartAsync("clientside.test");
        await using var runningServer = server;

        await MatrixAssert.OkAsync(await server.Anonymous.GetAsync("/_matrix/client/versions"));
        await MatrixAssert.ErrorAsync(await server.Anonymous.GetAsync("/_matrix/federation/v1/version"),
            HttpStatusCode.NotFound, "M_UNRECOGNIZED");
        await MatrixAssert.ErrorAsync(await server.Anonymous.GetAsync("/_matrix/key/v2/server"),
            HttpStatusCode.NotFound, "M_UNRECOGNIZED");
    }

    [Fact]
    public async Task A_federation_request_without_a_signature_is_401_M_UNAUTHORIZED()
    {
        var (server, federation, _) = await FederatedServer.StartAsync("unsigned.test");
        await using var runningServer = server;
        using var client = FederatedServer.Client(federation);

        await MatrixAssert.ErrorAsync(await client.GetAsync("/_matrix/federation/v1/query/profile?user_id=@a:unsigned.test"),
            HttpStatusCode.Unauthorized, "M_UNAUTHORIZED");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_matrix/federation/v1/query/profile?user_id=@a:x");
        request.Headers.TryAddWithoutValidation("Authorization", "X-Matrix origin=broken");
        await MatrixAssert.ErrorAsync(await client.SendAsync(request), HttpStatusCode.Unauthorized, "M_UNAUTHORIZED");
    }
}
