using System.Net;
using Homeserver.ClientApi.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Homeserver.ClientApi.Tests;

public sealed class CorsTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private int _endpointCalls;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(probes: app =>
        app.MapPut("/_matrix/client/v3/probe/counter", () =>
        {
            Interlocked.Increment(ref _endpointCalls);
            return Results.Json(new { });
        }));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_preflight_is_answered_with_the_spec_headers_and_runs_no_endpoint_logic()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/_matrix/client/v3/probe/counter");
        request.Headers.Add("Origin", "https://app.element.io");
        request.Headers.Add("Access-Control-Request-Method", "PUT");
        request.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");

        var response = await _app.Client.SendAsync(request);

        Assert.True(response.IsSuccessStatusCode, $"status {(int)response.StatusCode}");
        AssertCorsHeaders(response);
        Assert.Equal(0, _endpointCalls);
    }

    [Fact]
    public async Task A_preflight_to_an_endpoint_that_needs_no_body_still_succeeds()
    {
        var response = await _app.Client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/_matrix/client/versions"));

        Assert.True(response.IsSuccessStatusCode);
        AssertCorsHeaders(response);
    }

    [Theory]
    [InlineData("/_matrix/client/versions")]
    [InlineData("/_matrix/client/v3/unknown")]
    [InlineData("/.well-known/matrix/client")]
    public async Task Every_response_carries_the_cors_headers_including_errors(string path)
    {
        var response = await _app.Client.GetAsync(path);

        AssertCorsHeaders(response);
    }

    [Fact]
    public async Task The_endpoint_itself_runs_for_the_real_request()
    {
        var response = await _app.Client.PutAsync("/_matrix/client/v3/probe/counter", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertCorsHeaders(response);
        Assert.Equal(1, _endpointCalls);
    }

    private static void AssertCorsHeaders(HttpResponseMessage response)
    {
        Assert.Equal(CorsMiddleware.AllowOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("GET, POST, PUT, DELETE, OPTIONS", Header(response, "Access-Control-Allow-Methods"));
        Assert.Equal("X-Requested-With, Content-Type, Authorization", Header(response, "Access-Control-Allow-Headers"));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
}
