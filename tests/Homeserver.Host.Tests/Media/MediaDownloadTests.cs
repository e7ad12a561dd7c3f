using System.Net;
using System.Net.Http.Headers;
using Homeserver.Host.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Media;

/// <summary>GET /_matrix/client/v1/media/download and the legacy /_matrix/media/v3/download: access and headers.</summary>
public sealed class MediaDownloadTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task An_authenticated_download_without_a_token_is_401_M_MISSING_TOKEN()
    {
        var alice = await Server.RegisterAsync();
        var mxc = await alice.UploadAsync("secret"u8.ToArray(), "text/plain");

        var response = await Server.Anonymous.GetAsync(mxc.Download);

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task The_legacy_download_serves_media_without_a_token()
    {
        var alice = await Server.RegisterAsync();
        var mxc = await alice.UploadAsync("public"u8.ToArray(), "text/plain", "note.txt");

        var (response, bytes) = await Server.Anonymous.DownloadAsync(mxc.LegacyDownload);

        Assert.Equal("public"u8.ToArray(), bytes);
        Assert.Equal("inline; filename=note.txt", response.Content.Headers.ContentDisposition!.ToString());
    }

    [Fact]
    public async Task Unknown_media_is_404_and_media_of_a_server_that_cannot_be_reached_502()
    {
        var alice = await Server.RegisterAsync();

        var unknown = await alice.Client.GetAsync("/_matrix/client/v1/media/download/localhost/NoSuchMedia");
        var remote = await alice.Client.GetAsync("/_matrix/client/v1/media/download/example.org/SomeMedia");
        var badId = await alice.Client.GetAsync("/_matrix/client/v1/media/download/localhost/bad.id");

        await MatrixAssert.ErrorAsync(unknown, HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(remote, HttpStatusCode.BadGateway, "M_UNKNOWN");
        await MatrixAssert.ErrorAsync(badId, HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task An_image_is_served_inline_with_the_sandboxing_headers_and_long_caching()
    {
        var alice = await Server.RegisterAsync();
        var mxc = await alice.UploadAsync(TestImages.Png(4, 4), "image/png", "cat.png");

        var (response, _) = await alice.Client.DownloadAsync(mxc.Download);

        Assert.Equal("inline; filename=cat.png", response.Content.Headers.ContentDisposition!.ToString());
        Assert.Equal("image/png", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(
            "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf; style-src 'unsafe-inline'; " +
            "media-src 'self'; object-src 'self';",
            string.Join(",", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("public,max-age=86400,s-maxage=86400",
            string.Join(",", response.Headers.GetValues("Cache-Control")).Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("bytes", string.Join(",", response.Headers.AcceptRanges));
    }

    [Theory]
    [InlineData("image/svg+xml", "drawing.svg")]
    [InlineData("text/html", "page.html")]
    [InlineData("application/javascript", "app.js")]
    public async Task Types_a_browser_could_run_script_from_are_attachments(string contentType, string fileName)
    {
        var alice = await Server.RegisterAsync();
        var mxc = await alice.UploadAsync("<svg onload=alert(1)/>"u8.ToArray(), contentType, fileName);

        var (response, _) = await alice.Client.DownloadAsync(mxc.Download);

        Assert.Equal($"attachment; filename={fileName}", response.Content.Headers.ContentDisposition!.ToString());
        Assert.Equal(contentType, response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task The_file_name_in_the_path_replaces_the_uploaded_one_and_non_ascii_names_get_filename_star()
    {
        var alice = await Server.RegisterAsync();
        var mxc = await alice.UploadAsync([1, 2, 3], "application/pdf", "original.pdf");

        var (renamed, _) = await alice.Client.DownloadAsync(mxc.Download + "/" + Uri.EscapeDataString("résumé 1.pdf"));

        var disposition = string.Join(",", renamed.Content.Headers.GetValues("Content-Disposition"));
        Assert.Equal("attachment; filename=\"r_sum_ 1.pdf\"; filename*=utf-8''r%C3%A9sum%C3%A9%201.pdf", disposition);
    }

    [Fact]
    public async Task A_range_request_is_206_with_the_range_and_an_unsatisfiable_one_is_416()
    {
        var alice = await Server.RegisterAsync();
        var bytes = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        var mxc = await alice.UploadAsync(bytes, "application/octet-stream");

        using var partial = new HttpRequestMessage(HttpMethod.Get, mxc.Download);
        partial.Headers.Range = new RangeHeaderValue(100, 199);
        var ranged = await alice.Client.SendAsync(partial);
        using var outside = new HttpRequestMessage(HttpMethod.Get, mxc.Download);
        outside.Headers.Range = new RangeHeaderValue(5000, 6000);
        var unsatisfiable = await alice.Client.SendAsync(outside);

        Assert.Equal(HttpStatusCode.PartialContent, ranged.StatusCode);
        Assert.Equal(bytes[100..200], await ranged.Content.ReadAsByteArrayAsync());
        Assert.Equal("bytes 100-199/1000", ranged.Content.Headers.ContentRange!.ToString());
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, unsatisfiable.StatusCode);
    }

    [Fact]
    public async Task While_unauthenticated_media_is_frozen_new_media_is_404_on_the_legacy_endpoints_only()
    {
        await using var before = await LiveServer.StartAsync();
        var alice = await before.RegisterAsync();
        var old = await alice.UploadAsync(TestImages.Png(8, 8), "image/png");
        await using var frozen = await LiveServer.StartAsync(before.ConnectionString,
            new Dictionary<string, string?>
            {
                ["Media:FreezeUnauthenticated"] = "true",
                ["DataDirectory"] = before.Instance.App.Services
                    .GetRequiredService<Homeserver.Services.Configuration.HomeserverSettings>().DataDirectory,
            });
        var bob = await frozen.RegisterAsync();
        var fresh = await bob.UploadAsync(TestImages.Png(8, 8), "image/png");

        var legacyFresh = await frozen.Anonymous.GetAsync(fresh.LegacyDownload);
        var legacyThumbnail = await frozen.Anonymous.GetAsync(
            $"/_matrix/media/v3/thumbnail/{fresh.ServerName}/{fresh.MediaId}?width=32&height=32&method=crop");

        await MatrixAssert.ErrorAsync(legacyFresh, HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(legacyThumbnail, HttpStatusCode.NotFound, "M_NOT_FOUND");
        await bob.Client.DownloadAsync(fresh.Download);
        await frozen.Anonymous.DownloadAsync(old.LegacyDownload);
    }
}
