using System.Net;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Media;

/// <summary>preview_url over real HTTP, against pages served on 127.0.0.1 (allowed by configuration).</summary>
public sealed class UrlPreviewTests
{
    private const string OpenGraphPage = """
        <html><head><title>Fallback title</title>
        <meta property="og:title" content="Matrix Blog Post">
        <meta property="og:description" content="This is a really cool blog post">
        <meta property="og:image" content="/images/card.png">
        <meta property="og:type" content="article"><meta property="og:site_name" content="Test site">
        </head><body><p>Body</p></body></html>
        """;

    [Fact]
    public async Task An_OpenGraph_page_is_previewed_with_its_image_stored_as_downloadable_media()
    {
        await using var pages = await TestPageServer.StartAsync();
        var png = TestImages.Png(64, 48);
        pages.Html("/post", OpenGraphPage);
        pages.Bytes("/images/card.png", "image/png", png);
        await using var server = await LiveServer.StartAsync(settings: UrlPreviewSteps.AllowingLoopbackIpv4());
        var alice = await server.RegisterAsync();

        var response = await alice.PreviewAsync(pages.Url("/post"));

        var og = await SpecSchema.AssertValidAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Matrix Blog Post", og.GetProperty("og:title").GetString());
        Assert.Equal("This is a really cool blog post", og.GetProperty("og:description").GetString());
        Assert.Equal("article", og.GetProperty("og:type").GetString());
        Assert.Equal("Test site", og.GetProperty("og:site_name").GetString());
        Assert.Equal("image/png", og.GetProperty("og:image:type").GetString());
        Assert.Equal(64, og.GetProperty("og:image:width").GetInt32());
        Assert.Equal(48, og.GetProperty("og:image:height").GetInt32());
        Assert.Equal(png.Length, og.GetProperty("matrix:image:size").GetInt64());
        var image = MediaSteps.Mxc.Parse(og.GetProperty("og:image").GetString()!);
        var (download, bytes) = await alice.Client.DownloadAsync(image.Download);
        Assert.Equal(png, bytes);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["127.0.0.1 /post", "127.0.0.1 /images/card.png"], pages.Requests);
    }

    [Fact]
    public async Task A_page_without_OpenGraph_falls_back_to_title_meta_description_and_largest_image()
    {
        await using var pages = await TestPageServer.StartAsync();
        var jpeg = TestImages.Jpeg(40, 30);
        pages.Html("/plain", """
            <html><head><title>Plain page</title><meta name="description" content="Described"></head>
            <body><img src="tiny.gif" width="2" height="2"><img src="photo.jpg" width="400" height="300"></body></html>
            """);
        pages.Bytes("/photo.jpg", "image/jpeg", jpeg);
        await using var server = await LiveServer.StartAsync(settings: UrlPreviewSteps.AllowingLoopbackIpv4());
        var alice = await server.RegisterAsync();

        var og = await MatrixAssert.OkAsync(await alice.PreviewAsync(pages.Url("/plain")));

        Assert.Equal("Plain page", og.GetProperty("og:title").GetString());
        Assert.Equal("Described", og.GetProperty("og:description").GetString());
        Assert.Equal("image/jpeg", og.GetProperty("og:image:type").GetString());
        Assert.Equal(40, og.GetProperty("og:image:width").GetInt32());
        Assert.StartsWith("mxc://", og.GetProperty("og:image").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_that_cannot_be_fetched_is_left_out_and_the_preview_stands()
    {
        await using var pages = await TestPageServer.StartAsync();
        pages.Html("/post", OpenGraphPage.Replace("/images/card.png", pages.Url("/card.png", "[::1]"),
            StringComparison.Ordinal));
        await using var server = await LiveServer.StartAsync(settings: UrlPreviewSteps.AllowingLoopbackIpv4());
        var alice = await server.RegisterAsync();

        var og = await MatrixAssert.OkAsync(await alice.PreviewAsync(pages.Url("/post")));

        Assert.Equal("Matrix Blog Post", og.GetProperty("og:title").GetString());
        Assert.False(og.TryGetProperty("og:image", out _));
        Assert.Equal(["127.0.0.1 /post"], pages.Requests);
    }

    [Fact]
    public async Task An_image_url_is_answered_as_an_image_preview()
    {
        await using var pages = await TestPageServer.StartAsync();
        var png = TestImages.Png(20, 10);
        pages.Page("/picture", async context =>
        {
            context.Response.ContentType = "image/png";
            context.Response.Headers.ContentDisposition = "inline; filename=\"picture.png\"";
            await context.Response.Body.WriteAsync(png);
        });
        await using var server = await LiveServer.StartAsync(settings: UrlPreviewSteps.AllowingLoopbackIpv4());
        var alice = await server.RegisterAsync();

        var og = await MatrixAssert.OkAsync(await alice.PreviewAsync(pages.Url("/picture"), path: UrlPreviewSteps.Legacy));

        Assert.Equal("picture.png", og.GetProperty("og:description").GetString());
        Assert.Equal("image/png", og.GetProperty("og:image:type").GetString());
        Assert.Equal(20, og.GetProperty("og:image:width").GetInt32());
        Assert.Equal(10, og.GetProperty("og:image:height").GetInt32());
        Assert.Equal(png.Length, og.GetProperty("matrix:image:size").GetInt64());
        var mxc = MediaSteps.Mxc.Parse(og.GetProperty("og:image").GetString()!);
        Assert.Equal(png, (await alice.Client.DownloadAsync(mxc.Download)).Bytes);
    }

    [Fact]
    public async Task A_repeated_preview_is_served_from_the_cache_until_it_expires_at_the_asked_time()
    {
        var clock = new ManualClock();
        await using var pages = await TestPageServer.StartAsync();
        pages.Html("/post", "<title>Cached</title>");
        await using var server = await LiveServer.StartAsync(settings: UrlPreviewSteps.AllowingLoopbackIpv4(),
            services: s => s.AddSingleton<TimeProvider>(clock));
        var alice = await server.RegisterAsync();
        var url = pages.Url("/post");
        var fetchedAt = clock.GetUtcNow();

        var first = await MatrixAssert.OkAsync(await alice.PreviewAsync(url));
        var second = await MatrixAssert.OkAsync(await alice.PreviewAsync(url, path: UrlPreviewSteps.Legacy));
        var requestsBeforeExpiry = pages.Requests.Count;
        clock.Advance(TimeSpan.FromHours(2));
        var asOfThen = await MatrixAssert.OkAsync(await alice.PreviewAsync(url,
            ts: (fetchedAt + TimeSpan.FromMinutes(30)).ToUnixTimeMilliseconds()));
        var requestsForOldTs = pages.Requests.Count;
        var now = await MatrixAssert.OkAsync(await alice.PreviewAsync(url));

        Assert.Equal("Cached", first.GetProperty("og:title").GetString());
        Assert.Equal(first.GetRawText(), second.GetRawText());
        Assert.Equal(first.GetRawText(), asOfThen.GetRawText());
        Assert.Equal("Cached", now.GetProperty("og:title").GetString());
        Assert.Equal(1, requestsBeforeExpiry);
        Assert.Equal(1, requestsForOldTs);
        Assert.Equal(2, pages.Requests.Count);
    }

    [Fact]
    public async Task A_page_that_does_not_answer_in_time_is_504()
    {
        var clock = new ManualClock();
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var pages = await TestPageServer.StartAsync();
        pages.Page("/slow", async context =>
        {
            asked.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        await using var server = await LiveServer.StartAsync(settings: UrlPreviewSteps.AllowingLoopbackIpv4(
            ("Media:UrlPreview:TimeoutSeconds", "5")), services: s => s.AddSingleton<TimeProvider>(clock));
        var alice = await server.RegisterAsync();

        var preview = alice.PreviewAsync(pages.Url("/slow"));
        await asked.Task.WaitAsync(TimeSpan.FromSeconds(15));
        clock.Advance(TimeSpan.FromSeconds(5));

        await MatrixAssert.ErrorAsync(await preview, HttpStatusCode.GatewayTimeout, "M_UNKNOWN");
    }

    [Fact]
    public async Task Failing_and_unpreviewable_pages_are_502()
    {
        await using var pages = await TestPageServer.StartAsync();
        pages.Bytes("/data.bin", "application/octet-stream", [1, 2, 3]);
        pages.Page("/error", context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        });
        await using var server = await LiveServer.StartAsync(settings: UrlPreviewSteps.AllowingLoopbackIpv4());
        var alice = await server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await alice.PreviewAsync(pages.Url("/missing")), HttpStatusCode.BadGateway, "M_UNKNOWN");
        await MatrixAssert.ErrorAsync(await alice.PreviewAsync(pages.Url("/error")), HttpStatusCode.BadGateway, "M_UNKNOWN");
        await MatrixAssert.ErrorAsync(await alice.PreviewAsync(pages.Url("/data.bin")), HttpStatusCode.BadGateway, "M_UNKNOWN");
    }

    [Fact]
    public async Task Bad_parameters_are_400_and_previews_need_a_non_guest_access_token()
    {
        await using var server = await LiveServer.StartAsync();
        var alice = await server.RegisterAsync();
        var guest = await server.Anonymous.PostAsync("/_matrix/client/v3/register?kind=guest",
            new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        var guestToken = (await MatrixAssert.OkAsync(guest)).GetProperty("access_token").GetString();
        using var guestRequest = new HttpRequestMessage(HttpMethod.Get, UrlPreviewSteps.Authenticated + "?url=http://example.org/");
        guestRequest.Headers.Authorization = new("Bearer", guestToken);

        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(UrlPreviewSteps.Authenticated), HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        await MatrixAssert.ErrorAsync(await alice.PreviewAsync("file:///etc/passwd"), HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await alice.PreviewAsync("not a url"), HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await alice.PreviewAsync("http://example.org/" + new string('a', 3000)), HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(UrlPreviewSteps.Authenticated + "?url=http://example.org/&ts=soon"), HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await server.Anonymous.GetAsync(UrlPreviewSteps.Authenticated + "?url=http://example.org/"), HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        await MatrixAssert.ErrorAsync(await server.Anonymous.GetAsync(UrlPreviewSteps.Legacy + "?url=http://example.org/"), HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        await MatrixAssert.ErrorAsync(await server.Anonymous.SendAsync(guestRequest), HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
    }

    [Fact]
    public async Task Disabled_previews_answer_404_M_UNRECOGNIZED_without_fetching()
    {
        await using var pages = await TestPageServer.StartAsync();
        pages.Html("/post", OpenGraphPage);
        await using var server = await LiveServer.StartAsync(settings: UrlPreviewSteps.AllowingLoopbackIpv4(
            ("Media:UrlPreview:Enabled", "false")));
        var alice = await server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await alice.PreviewAsync(pages.Url("/post")), HttpStatusCode.NotFound, "M_UNRECOGNIZED");
        await MatrixAssert.ErrorAsync(await alice.PreviewAsync(pages.Url("/post"), path: UrlPreviewSteps.Legacy), HttpStatusCode.NotFound, "M_UNRECOGNIZED");
        Assert.Empty(pages.Requests);
    }
}
