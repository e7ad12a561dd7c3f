using System.Net;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Media.UrlPreview;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Media;

/// <summary>
/// SSRF protection of URL previews over real HTTP. Every target is on loopback (the test page server listens on
/// 127.0.0.1 and [::1]); private and other ranges are covered by the address filter's unit tests, never by requests.
/// </summary>
public sealed class UrlPreviewSafetyTests
{
    private const string Page = "<html><head><title>Secret</title></head><body>internal</body></html>";

    [Fact]
    public async Task Loopback_urls_are_refused_by_default_and_the_page_server_sees_no_request()
    {
        await using var pages = await TestPageServer.StartAsync();
        pages.Html("/", Page);
        await using var server = await LiveServer.StartAsync();
        var alice = await server.RegisterAsync();

        foreach (var host in (string[])["127.0.0.1", "localhost", "[::1]", "127.1", "[::ffff:127.0.0.1]", "0.0.0.0"])
        {
            var response = await alice.PreviewAsync(pages.Url("/", host));

            var error = await MatrixAssert.ErrorAsync(response, HttpStatusCode.Forbidden, "M_FORBIDDEN");
            Assert.Contains("address", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        await MatrixAssert.ErrorAsync(await alice.PreviewAsync(pages.Url("/", "[::1]"), path: UrlPreviewSteps.Legacy),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        Assert.Empty(pages.Requests);
    }

    [Fact]
    public async Task A_redirect_from_an_allowed_page_to_a_denied_address_is_refused()
    {
        await using var pages = await TestPageServer.StartAsync();
        pages.Html("/secret", Page);
        pages.Redirect("/go", pages.Url("/secret", "[::1]"));
        await using var server = await LiveServer.StartAsync(settings: UrlPreviewSteps.AllowingLoopbackIpv4());
        var alice = await server.RegisterAsync();

        var response = await alice.PreviewAsync(pages.Url("/go"));

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.Forbidden, "M_FORBIDDEN");
        Assert.Equal(["127.0.0.1 /go"], pages.Requests);
    }

    [Fact]
    public async Task Redirects_are_followed_up_to_five_times()
    {
        await using var pages = await TestPageServer.StartAsync();
        pages.Html("/end", "<title>The end</title>");
        for (var i = 0; i < 6; i++)
        {
            pages.Redirect($"/r{i}", i == 5 ? "/end" : $"/r{i + 1}");
        }

        await using var server = await LiveServer.StartAsync(settings: UrlPreviewSteps.AllowingLoopbackIpv4());
        var alice = await server.RegisterAsync();

        var five = await MatrixAssert.OkAsync(await alice.PreviewAsync(pages.Url("/r1")));
        var six = await alice.PreviewAsync(pages.Url("/r0"));

        Assert.Equal("The end", five.GetProperty("og:title").GetString());
        await MatrixAssert.ErrorAsync(six, HttpStatusCode.BadGateway, "M_UNKNOWN");
    }

    [Fact]
    public async Task A_host_is_connected_to_at_the_addresses_we_resolved_and_every_one_is_checked()
    {
        await using var pages = await TestPageServer.StartAsync();
        pages.Html("/", "<title>Resolved by us</title>");
        var resolver = new FixedResolver(new Dictionary<string, IPAddress[]>
        {
            ["pages.test"] = [IPAddress.Loopback],
            ["mixed.test"] = [IPAddress.Loopback, IPAddress.Parse("10.20.30.40")],
        });
        await using var server = await LiveServer.StartAsync(settings: UrlPreviewSteps.AllowingLoopbackIpv4(),
            services: s => s.AddSingleton<IHostAddressResolver>(resolver));
        var alice = await server.RegisterAsync();

        var resolved = await MatrixAssert.OkAsync(await alice.PreviewAsync(pages.Url("/", "pages.test")));
        var mixed = await alice.PreviewAsync(pages.Url("/", "mixed.test"));
        var unknown = await alice.PreviewAsync(pages.Url("/", "unknown.test"));

        Assert.Equal("Resolved by us", resolved.GetProperty("og:title").GetString());
        await MatrixAssert.ErrorAsync(mixed, HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(unknown, HttpStatusCode.BadGateway, "M_UNKNOWN");
        Assert.Equal(["127.0.0.1 /"], pages.Requests);
    }

    [Fact]
    public async Task Urls_matching_a_denied_pattern_are_refused_also_after_a_redirect()
    {
        await using var pages = await TestPageServer.StartAsync();
        pages.Html("/private/page", Page);
        pages.Redirect("/public", "/private/page");
        await using var server = await LiveServer.StartAsync(settings: UrlPreviewSteps.AllowingLoopbackIpv4(
            ("Media:UrlPreview:DeniedUrlPatterns:0", "^http://127\\.0\\.0\\.1:\\d+/private/"),
            ("Media:UrlPreview:DeniedUrlPatterns:1", "*.denied.test")));
        var alice = await server.RegisterAsync();

        var direct = await alice.PreviewAsync(pages.Url("/private/page"));
        var redirected = await alice.PreviewAsync(pages.Url("/public"));
        var glob = await alice.PreviewAsync("http://www.denied.test/");

        await MatrixAssert.ErrorAsync(direct, HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(redirected, HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(glob, HttpStatusCode.Forbidden, "M_FORBIDDEN");
        Assert.Equal(["127.0.0.1 /public"], pages.Requests);
    }

    [Fact]
    public async Task Pages_over_the_size_limit_are_refused_whether_or_not_they_declare_their_length()
    {
        await using var pages = await TestPageServer.StartAsync();
        var big = "<title>Big</title>" + new string('x', 5000);
        pages.Html("/declared", big);
        pages.Page("/streamed", async context =>
        {
            context.Response.ContentType = "text/html";
            for (var i = 0; i < 10; i++)
            {
                await context.Response.WriteAsync(big[..500]);
                await context.Response.Body.FlushAsync();
            }
        });
        pages.Html("/fits", big[..4000]);
        await using var server = await LiveServer.StartAsync(settings: UrlPreviewSteps.AllowingLoopbackIpv4(
            ("Media:UrlPreview:MaxBytes", "4096")));
        var alice = await server.RegisterAsync();

        var declared = await alice.PreviewAsync(pages.Url("/declared"));
        var streamed = await alice.PreviewAsync(pages.Url("/streamed"));
        var fits = await alice.PreviewAsync(pages.Url("/fits"));

        await MatrixAssert.ErrorAsync(declared, HttpStatusCode.BadGateway, "M_TOO_LARGE");
        await MatrixAssert.ErrorAsync(streamed, HttpStatusCode.BadGateway, "M_TOO_LARGE");
        Assert.Equal("Big", (await MatrixAssert.OkAsync(fits)).GetProperty("og:title").GetString());
    }

    private sealed class FixedResolver(Dictionary<string, IPAddress[]> answers) : IHostAddressResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
            Task.FromResult(answers.TryGetValue(host, out var addresses) ? addresses : []);
    }
}
