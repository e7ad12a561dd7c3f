using System.Net;
using System.Text;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Homeserver.ClientApi.Tests;

public sealed class ErrorMappingTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public sealed record ProbeBody(string Name, int Count);

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(probes: app =>
    {
        app.MapPost("/_matrix/client/v3/probe/json", async (HttpRequest request, CancellationToken ct) =>
        {
            var body = await JsonBody.ReadAsync<ProbeBody>(request, ct);
            return Results.Json(new { name = body.Name, count = body.Count });
        });
        app.MapGet("/_matrix/client/v3/probe/forbidden", () =>
        {
            throw new MatrixException(ErrorCode.Forbidden, "You may not");
        });
        app.MapGet("/_matrix/client/v3/probe/ratelimited", () =>
        {
            throw MatrixException.LimitExceeded(TimeSpan.FromMilliseconds(1500));
        });
        app.MapGet("/_matrix/client/v3/probe/crash", () =>
        {
            throw new InvalidOperationException("secret connection string password=hunter2");
        });
    }, settings: new Dictionary<string, string?> { ["Homeserver:Limits:MaxRequestBodyBytes"] = "2048" });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Unknown_endpoint_is_404_M_UNRECOGNIZED()
    {
        var response = await _app.Client.GetAsync("/_matrix/client/v3/no/such/thing");

        await ErrorAssert.IsMatrixErrorAsync(response, HttpStatusCode.NotFound, "M_UNRECOGNIZED");
    }

    [Fact]
    public async Task Unknown_path_outside_the_matrix_prefix_is_404_M_UNRECOGNIZED_too()
    {
        var response = await _app.Client.GetAsync("/favicon.ico");

        await ErrorAssert.IsMatrixErrorAsync(response, HttpStatusCode.NotFound, "M_UNRECOGNIZED");
    }

    [Fact]
    public async Task Wrong_method_on_a_known_endpoint_is_405_M_UNRECOGNIZED()
    {
        var response = await _app.Client.DeleteAsync("/_matrix/client/versions");

        await ErrorAssert.IsMatrixErrorAsync(response, HttpStatusCode.MethodNotAllowed, "M_UNRECOGNIZED");
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("")]
    [InlineData("{\"name\": \"a\", \"count\": 1")]
    [InlineData("\u00ff\u00fe")]
    [InlineData("{\"name\": NaN}")]
    public async Task Malformed_json_is_400_M_NOT_JSON(string body)
    {
        var response = await PostAsync(body);

        await ErrorAssert.IsMatrixErrorAsync(response, HttpStatusCode.BadRequest, "M_NOT_JSON");
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"a string\"")]
    [InlineData("{\"count\": 1}")]
    [InlineData("{\"name\": \"a\", \"count\": \"one\"}")]
    [InlineData("{\"name\": null, \"count\": 1}")]
    public async Task Valid_json_of_the_wrong_shape_is_400_M_BAD_JSON(string body)
    {
        var response = await PostAsync(body);

        await ErrorAssert.IsMatrixErrorAsync(response, HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Fact]
    public async Task Well_formed_json_reaches_the_endpoint()
    {
        var response = await PostAsync("{\"name\": \"alice\", \"count\": 3, \"extra\": true}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"name\":\"alice\",\"count\":3}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_declared_body_over_the_limit_is_413_M_TOO_LARGE()
    {
        var response = await PostAsync("{\"name\": \"" + new string('x', 4096) + "\", \"count\": 1}");

        await ErrorAssert.IsMatrixErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_413_M_TOO_LARGE()
    {
        var payload = Encoding.UTF8.GetBytes("{\"name\": \"" + new string('x', 4096) + "\", \"count\": 1}");
        using var content = new StreamContent(new MemoryStream(payload));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/_matrix/client/v3/probe/json") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await _app.Client.SendAsync(request);

        await ErrorAssert.IsMatrixErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");
    }

    [Fact]
    public async Task A_matrix_exception_becomes_its_errcode_and_status()
    {
        var response = await _app.Client.GetAsync("/_matrix/client/v3/probe/forbidden");

        var body = await ErrorAssert.IsMatrixErrorAsync(response, HttpStatusCode.Forbidden, "M_FORBIDDEN");
        Assert.Equal("You may not", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Rate_limiting_is_429_M_LIMIT_EXCEEDED_with_retry_after_ms()
    {
        var response = await _app.Client.GetAsync("/_matrix/client/v3/probe/ratelimited");

        var body = await ErrorAssert.IsMatrixErrorAsync(response, HttpStatusCode.TooManyRequests, "M_LIMIT_EXCEEDED");
        Assert.Equal(1500, body.GetProperty("retry_after_ms").GetInt64());
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task An_unexpected_exception_is_500_M_UNKNOWN_without_internals_and_logged_with_the_request_id()
    {
        var response = await _app.Client.GetAsync("/_matrix/client/v3/probe/crash");

        var body = await ErrorAssert.IsMatrixErrorAsync(response, HttpStatusCode.InternalServerError, "M_UNKNOWN");
        var error = body.GetProperty("error").GetString()!;
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", error, StringComparison.Ordinal);
        var requestId = error[(error.IndexOf("request ", StringComparison.Ordinal) + "request ".Length)..].TrimEnd(')');
        Assert.Contains(_app.Logs, l => l.Level == LogLevel.Error && l.Exception is InvalidOperationException &&
                                        l.Message.Contains(requestId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_error_body_has_exactly_errcode_and_error()
    {
        var response = await _app.Client.GetAsync("/_matrix/client/v3/no/such/thing");

        var body = await ErrorAssert.IsMatrixErrorAsync(response, HttpStatusCode.NotFound, "M_UNRECOGNIZED");
        Assert.Equal(["errcode", "error"], body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    private Task<HttpResponseMessage> PostAsync(string body) =>
        _app.Client.PostAsync("/_matrix/client/v3/probe/json", new StringContent(body, Encoding.Latin1, "application/json"));
}
