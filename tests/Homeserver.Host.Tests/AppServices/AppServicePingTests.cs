using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.AppServices;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.AppServices;

/// <summary>POST /_matrix/client/v1/appservice/{appserviceId}/ping.</summary>
public sealed class AppServicePingTests
{
    private const string Path = "/_matrix/client/v1/appservice/bridge/ping";

    [Fact]
    public async Task Ping_calls_the_appservice_with_the_transaction_id_and_reports_the_duration()
    {
        await using var server = await AppServiceServer.StartAsync();

        var body = await MatrixAssert.OkAsync(await PingAsync(server, AppServiceServer.AsToken, Path,
            new JsonObject { ["transaction_id"] = "txn-42" }));

        Assert.True(body.GetProperty("duration_ms").GetInt64() >= 0);
        var ping = Assert.Single(server.Fake.Requests);
        Assert.Equal(("POST", "/_matrix/app/v1/ping"), (ping.Method, ping.Path));
        Assert.Equal("Bearer hs_token_bridge", ping.Authorization);
        Assert.Equal("txn-42", ping.Json.GetProperty("transaction_id").GetString());
    }

    [Fact]
    public async Task Ping_needs_that_appservices_own_as_token()
    {
        await using var server = await AppServiceServer.StartAsync();
        var user = await server.Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await PingAsync(server, AppServiceServer.OtherAsToken, Path, new JsonObject()),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await PingAsync(server, user.AccessToken, Path, new JsonObject()),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await PingAsync(server, null, Path, new JsonObject()),
            HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        await MatrixAssert.ErrorAsync(await PingAsync(server, AppServiceServer.AsToken, Path,
            new JsonObject { ["transaction_id"] = 5 }), HttpStatusCode.BadRequest, "M_BAD_JSON");
        Assert.Empty(server.Fake.Requests);
    }

    [Fact]
    public async Task Ping_of_an_appservice_without_url_is_M_URL_NOT_SET()
    {
        await using var server = await AppServiceServer.StartAsync();

        await MatrixAssert.ErrorAsync(await PingAsync(server, AppServiceServer.OtherAsToken,
            "/_matrix/client/v1/appservice/other/ping", new JsonObject()), HttpStatusCode.BadRequest, "M_URL_NOT_SET");
    }

    [Fact]
    public async Task A_bad_status_is_M_BAD_STATUS_with_the_status_and_body()
    {
        await using var server = await AppServiceServer.StartAsync();
        server.Fake.Handler = _ => Task.FromResult((401, """{"errcode":"M_UNKNOWN_TOKEN"}"""));

        var body = await MatrixAssert.ErrorAsync(await PingAsync(server, AppServiceServer.AsToken, Path, new JsonObject()),
            HttpStatusCode.BadGateway, "M_BAD_STATUS");

        Assert.Equal(401, body.GetProperty("status").GetInt32());
        Assert.Equal("""{"errcode":"M_UNKNOWN_TOKEN"}""", body.GetProperty("body").GetString());
    }

    [Fact]
    public async Task An_appservice_not_listening_is_M_CONNECTION_FAILED()
    {
        await using var server = await AppServiceServer.StartAsync(otherUrl: $"http://127.0.0.1:{FreePort.Next()}");

        await MatrixAssert.ErrorAsync(await PingAsync(server, AppServiceServer.OtherAsToken,
            "/_matrix/client/v1/appservice/other/ping", new JsonObject()), HttpStatusCode.BadGateway, "M_CONNECTION_FAILED");
    }

    [Fact]
    public async Task An_appservice_not_answering_in_time_is_M_CONNECTION_TIMEOUT()
    {
        var clock = new ManualClock();
        await using var server = await AppServiceServer.StartAsync(services: s =>
            s.AddSingleton(new AppServiceClientOptions(clock)));
        server.Fake.HoldAnswers = new TaskCompletionSource();

        var ping = PingAsync(server, AppServiceServer.AsToken, Path, new JsonObject());
        await server.Fake.NextAsync(r => r.Path == "/_matrix/app/v1/ping");
        clock.Advance(new AppServiceClientOptions(clock).RequestTimeout);

        await MatrixAssert.ErrorAsync(await ping, HttpStatusCode.GatewayTimeout, "M_CONNECTION_TIMEOUT");
    }

    private static async Task<HttpResponseMessage> PingAsync(AppServiceServer server, string? token, string path,
        JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await server.Server.Anonymous.SendAsync(request);
    }
}
