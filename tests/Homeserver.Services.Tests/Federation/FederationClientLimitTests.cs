using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Client;
using Homeserver.Testing;
using Microsoft.AspNetCore.Http;

namespace Homeserver.Services.Tests.Federation;

/// <summary>Signing, error mapping and the bounds of outbound federation requests, against Kestrel on loopback.</summary>
public sealed class FederationClientLimitTests : IAsyncLifetime
{
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _ca =
        TestCertificates.CreateCa("Test CA");

    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LoopbackHttpsServer? _server;
    private RequestDelegate _handler = context => context.Response.WriteAsJsonAsync(new { ok = true });

    private LoopbackHttpsServer Server => _server!;

    private ServerName Destination => ServerName.Parse($"localhost:{Server.Port}");

    public async Task InitializeAsync()
    {
        var leaf = TestCertificates.CreateLeaf(_ca, "localhost");
        _server = await LoopbackHttpsServer.StartAsync(leaf, context => _handler(context));
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await Server.DisposeAsync();
        _ca.Dispose();
    }

    private ClientHarness Harness(Func<Homeserver.Services.Configuration.FederationClientSettings,
        Homeserver.Services.Configuration.FederationClientSettings>? configure = null) => new(configure, _ca);

    [Fact]
    public async Task Requests_are_signed_over_method_uri_destination_and_body()
    {
        using var harness = Harness();
        var body = new JsonObject { ["pdus"] = new JsonArray() };
        var answer = await harness.Client.PutJsonAsync<JsonObject, JsonObject>(Destination,
            "/_matrix/federation/v1/send/txn1?x=%20y", body, CancellationToken.None);
        Assert.True(answer["ok"]!.GetValue<bool>());
        var (method, uri, destination, signedBody) = Assert.Single(harness.Signer.Signed);
        Assert.Equal(("PUT", "/_matrix/federation/v1/send/txn1?x=%20y", Destination), (method, uri, destination));
        Assert.Equal("{\"pdus\":[]}", Encoding.UTF8.GetString(signedBody!));
        var seen = Assert.Single(Server.Requests);
        Assert.Equal("/_matrix/federation/v1/send/txn1?x=%20y", seen.PathAndQuery);
        Assert.Equal("{\"pdus\":[]}", seen.Body);
        Assert.Equal(
            $"X-Matrix origin=\"origin.test\",destination=\"{Destination}\",key=\"ed25519:t\",sig=\"PUT/_matrix/federation/v1/send/txn1?x=%20y\"",
            seen.Authorization);
    }

    [Fact]
    public async Task A_request_without_a_body_is_signed_with_none()
    {
        using var harness = Harness();
        await harness.Client.GetJsonAsync<JsonObject>(Destination, "/_matrix/key/v2/server", CancellationToken.None);
        var (method, _, _, signedBody) = Assert.Single(harness.Signer.Signed);
        Assert.Equal("GET", method);
        Assert.Null(signedBody);
    }

    [Fact]
    public async Task An_error_answer_carries_its_status_and_errcode_and_a_4xx_does_not_back_off()
    {
        _handler = context =>
        {
            context.Response.StatusCode = 403;
            return context.Response.WriteAsJsonAsync(new { errcode = "M_FORBIDDEN", error = "not allowed" });
        };
        using var harness = Harness();
        var failure = await Assert.ThrowsAsync<FederationException>(() =>
            harness.Client.GetJsonAsync<JsonObject>(Destination, "/_matrix/federation/v1/query/profile", CancellationToken.None));
        Assert.Equal((FederationFailure.ErrorResponse, 403, "M_FORBIDDEN", "not allowed"),
            (failure.Failure, failure.StatusCode, failure.ErrCode, failure.Error));
        Assert.Null(harness.Backoff.StateOf(Destination));
    }

    [Fact]
    public async Task A_body_that_is_not_the_json_expected_is_an_invalid_response()
    {
        _handler = context => context.Response.WriteAsync("<html>");
        using var harness = Harness();
        var failure = await Assert.ThrowsAsync<FederationException>(() =>
            harness.Client.GetJsonAsync<JsonObject>(Destination, "/_matrix/federation/v1/version", CancellationToken.None));
        Assert.Equal(FederationFailure.InvalidResponse, failure.Failure);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_response_larger_than_the_limit_is_cut_off(bool declaresLength)
    {
        var chunk = new byte[4096];
        _handler = async context =>
        {
            if (declaresLength)
            {
                context.Response.ContentLength = 64 * chunk.Length;
            }

            for (var i = 0; i < 64 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        };
        using var harness = Harness(s => s with { MaxResponseBytes = 10_000 });
        var failure = await Assert.ThrowsAsync<FederationException>(() => harness.GetAsync(Destination.Value));
        Assert.Equal(FederationFailure.ResponseTooLarge, failure.Failure);

        _handler = context => context.Response.WriteAsync(new string(' ', 9_000));
        Assert.Equal(9_000, (await harness.GetAsync(Destination.Value)).Body.Length);
    }

    [Fact]
    public async Task A_request_without_an_answer_times_out_on_the_clock_and_backs_off()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _handler = async context =>
        {
            arrived.TrySetResult();
            await _release.Task;
        };
        using var harness = Harness();
        var request = harness.GetAsync(Destination.Value);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        harness.Clock.Advance(harness.Settings.RequestTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(request.IsCompleted);
        harness.Clock.Advance(TimeSpan.FromMilliseconds(1));
        // Well within the real 60 s: only the manual clock can have ended it.
        var failure = await Assert.ThrowsAsync<FederationException>(() => request.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(FederationFailure.Timeout, failure.Failure);
        Assert.NotNull(harness.Backoff.StateOf(Destination));
    }

    [Fact]
    public async Task At_most_the_configured_number_of_requests_per_destination_are_in_flight()
    {
        var arrivals = 0;
        var firstArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _handler = async context =>
        {
            if (Interlocked.Increment(ref arrivals) == 1)
            {
                firstArrived.TrySetResult();
                await _release.Task;
            }

            await context.Response.WriteAsJsonAsync(new { ok = true });
        };
        using var harness = Harness(s => s with { MaxConcurrentRequestsPerDestination = 1 });
        var first = harness.GetAsync(Destination.Value);
        await firstArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = harness.GetAsync(Destination.Value);
        await Eventually.HoldsAsync(() => Task.FromResult(harness.Limiter.WaitingFor(Destination) == 1),
            "the second request waits for a slot");
        Assert.Equal(1, Volatile.Read(ref arrivals));
        _release.SetResult();
        await Task.WhenAll(first, second);
        Assert.Equal(2, Volatile.Read(ref arrivals));
    }

    [Fact]
    public async Task A_failing_destination_fails_fast_until_its_backoff_ends_then_recovers()
    {
        var status = 503;
        _handler = context =>
        {
            context.Response.StatusCode = status;
            return context.Response.WriteAsJsonAsync(new { errcode = "M_UNKNOWN", error = "down" });
        };
        using var harness = Harness();
        var recovered = new List<ServerName>();
        harness.Backoff.Recovered += recovered.Add;

        var first = await Assert.ThrowsAsync<FederationException>(() => harness.GetAsync(Destination.Value));
        Assert.Equal((FederationFailure.ErrorResponse, 503), (first.Failure, first.StatusCode));
        status = 200;
        var fast = await Assert.ThrowsAsync<FederationException>(() => harness.GetAsync(Destination.Value));
        Assert.Equal(FederationFailure.BackingOff, fast.Failure);
        Assert.Equal(harness.Clock.GetUtcNow() + harness.Settings.BackoffMin, fast.RetryAt);
        Assert.Single(Server.Requests);

        harness.Clock.Advance(harness.Settings.BackoffMin);
        Assert.Equal(200, (await harness.GetAsync(Destination.Value)).StatusCode);
        Assert.Equal(2, Server.Requests.Count);
        Assert.Null(harness.Backoff.StateOf(Destination));
        Assert.Equal([Destination], recovered);
    }

    [Fact]
    public async Task Each_further_failure_doubles_the_backoff_up_to_the_maximum()
    {
        var closed = ServerName.Parse($"127.0.0.1:{FreePort.Next()}");
        using var harness = Harness(s => s with
        {
            BackoffMin = TimeSpan.FromMinutes(10), BackoffMax = TimeSpan.FromMinutes(30),
        });
        var refused = await Assert.ThrowsAsync<FederationException>(() => harness.GetAsync(closed.Value));
        Assert.Equal(FederationFailure.Unreachable, refused.Failure);
        Assert.Equal(TimeSpan.FromMinutes(10), harness.Backoff.StateOf(closed)!.Interval);

        harness.Clock.Advance(TimeSpan.FromMinutes(10));
        await Assert.ThrowsAsync<FederationException>(() => harness.GetAsync(closed.Value));
        Assert.Equal(TimeSpan.FromMinutes(22), harness.Backoff.StateOf(closed)!.Interval); // ×2 ×1.1 (jitter at 0.5)

        harness.Clock.Advance(TimeSpan.FromMinutes(22));
        await Assert.ThrowsAsync<FederationException>(() => harness.GetAsync(closed.Value));
        Assert.Equal(TimeSpan.FromMinutes(30), harness.Backoff.StateOf(closed)!.Interval);
    }
}
