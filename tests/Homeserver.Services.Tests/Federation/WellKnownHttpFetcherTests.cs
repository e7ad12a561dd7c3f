using System.Text;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Federation.Discovery;
using Homeserver.Testing;
using Microsoft.AspNetCore.Http;

namespace Homeserver.Services.Tests.Federation;

/// <summary><c>GET https://host/.well-known/matrix/server</c> over loopback: redirects, size limit, what is temporary.</summary>
public sealed class WellKnownHttpFetcherTests : IAsyncLifetime
{
    private const string WellKnownPath = "/.well-known/matrix/server";
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _ca = TestCertificates.CreateCa("CA");
    private LoopbackHttpsServer? _server;
    private RequestDelegate _handler = _ => Task.CompletedTask;
    private ClientHarness? _harness;

    private LoopbackHttpsServer Server => _server!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackHttpsServer.StartAsync(TestCertificates.CreateLeaf(_ca, "wk.test"), c => _handler(c));
        _harness = new ClientHarness(trustedCa: _ca);
    }

    public async Task DisposeAsync()
    {
        _harness!.Dispose();
        await Server.DisposeAsync();
        _ca.Dispose();
    }

    private Task<WellKnownFetchResult> FetchAsync() =>
        new WellKnownHttpFetcher(_harness!.Http, TimeSpan.FromSeconds(30), TimeProvider.System, Server.Port)
            .FetchAsync("wk.test", CancellationToken.None);

    [Fact]
    public async Task Redirects_are_followed_and_cache_headers_kept()
    {
        _handler = context =>
        {
            if (context.Request.Path == WellKnownPath)
            {
                context.Response.Redirect("/moved");
                return Task.CompletedTask;
            }

            context.Response.Headers.CacheControl = "max-age=7200";
            context.Response.Headers.Expires = "Thu, 01 Jan 2026 10:00:00 GMT";
            return context.Response.WriteAsync("{\"m.server\":\"matrix.wk.test:443\"}");
        };
        var result = await FetchAsync();
        Assert.Equal((WellKnownFetchOutcome.Response, 200), (result.Outcome, result.Status));
        Assert.Equal("{\"m.server\":\"matrix.wk.test:443\"}", Encoding.UTF8.GetString(result.Body));
        Assert.Equal(("max-age=7200", "Thu, 01 Jan 2026 10:00:00 GMT"), (result.CacheControl, result.Expires));
        Assert.Equal(["wk.test", "wk.test"], Server.Requests.Select(r => r.Sni));
    }

    [Fact]
    public async Task A_redirect_loop_ends_at_the_limit_as_a_temporary_failure()
    {
        _handler = context =>
        {
            context.Response.Redirect(WellKnownPath);
            return Task.CompletedTask;
        };
        var result = await FetchAsync();
        Assert.Equal(WellKnownFetchOutcome.TemporaryFailure, result.Outcome);
        Assert.Equal(WellKnownHttpFetcher.MaxRedirects + 1, Server.Requests.Count);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_temporary_failure()
    {
        _handler = context => context.Response.WriteAsync(new string(' ', WellKnownDocument.MaxBodyBytes + 1));
        Assert.Equal(WellKnownFetchOutcome.TemporaryFailure, (await FetchAsync()).Outcome);
    }

    [Fact]
    public async Task A_5xx_is_temporary_and_a_404_is_an_answer()
    {
        _handler = context =>
        {
            context.Response.StatusCode = 502;
            return Task.CompletedTask;
        };
        Assert.Equal(WellKnownFetchOutcome.TemporaryFailure, (await FetchAsync()).Outcome);
        _handler = context =>
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        };
        var result = await FetchAsync();
        Assert.Equal((WellKnownFetchOutcome.Response, 404), (result.Outcome, result.Status));
    }

    [Fact]
    public async Task The_well_known_host_must_present_a_valid_certificate()
    {
        var result = await new WellKnownHttpFetcher(_harness!.Http, TimeSpan.FromSeconds(30), TimeProvider.System,
            Server.Port).FetchAsync("not-in-the-certificate.test", CancellationToken.None);
        Assert.Equal(WellKnownFetchOutcome.TemporaryFailure, result.Outcome);
        Assert.Empty(Server.Requests);
    }
}
