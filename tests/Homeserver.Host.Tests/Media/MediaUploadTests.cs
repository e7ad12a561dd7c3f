using System.Net;
using System.Security.Cryptography;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Media;

/// <summary>POST /media/v3/upload, POST /media/v1/create with PUT /media/v3/upload/{serverName}/{mediaId}, config.</summary>
public sealed class MediaUploadTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task An_upload_downloads_with_the_same_bytes()
    {
        var alice = await Server.RegisterAsync();
        var bytes = RandomNumberGenerator.GetBytes(300_000);

        var mxc = await alice.UploadAsync(bytes, "application/octet-stream", "data.bin");
        var (response, downloaded) = await alice.Client.DownloadAsync(mxc.Download);

        Assert.Equal("localhost", mxc.ServerName);
        Assert.Equal(bytes, downloaded);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Identical_uploads_get_two_media_ids_and_one_file()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var bytes = RandomNumberGenerator.GetBytes(10_000);
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var first = await alice.UploadAsync(bytes, "image/png", "a.png");
        var second = await bob.UploadAsync(bytes, "text/plain", "b.txt");

        Assert.NotEqual(first.MediaId, second.MediaId);
        var files = Directory.GetFiles(ContentDirectory(Server), "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) == hash).ToList();
        Assert.Single(files);
        var (firstResponse, _) = await alice.Client.DownloadAsync(first.Download);
        var (secondResponse, secondBytes) = await alice.Client.DownloadAsync(second.Download);
        Assert.Equal("image/png", firstResponse.Content.Headers.ContentType!.MediaType);
        Assert.Equal("text/plain", secondResponse.Content.Headers.ContentType!.MediaType);
        Assert.Equal(bytes, secondBytes);
    }

    [Fact]
    public async Task A_created_media_id_serves_the_content_put_to_it()
    {
        var alice = await Server.RegisterAsync();
        var (mxc, _) = await alice.CreateAsync();

        await MatrixAssert.OkAsync(await alice.TryUploadToAsync(mxc, "later"u8.ToArray(), "text/plain"));
        var (response, bytes) = await alice.Client.DownloadAsync(mxc.Download);

        Assert.Equal("later"u8.ToArray(), bytes);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task A_created_media_id_cannot_be_uploaded_twice()
    {
        var alice = await Server.RegisterAsync();
        var (mxc, _) = await alice.CreateAsync();
        await MatrixAssert.OkAsync(await alice.TryUploadToAsync(mxc, "first"u8.ToArray()));

        var again = await alice.TryUploadToAsync(mxc, "second"u8.ToArray());

        await MatrixAssert.ErrorAsync(again, HttpStatusCode.Conflict, "M_CANNOT_OVERWRITE_MEDIA");
        Assert.Equal("first"u8.ToArray(), (await alice.Client.DownloadAsync(mxc.Download)).Bytes);
    }

    [Fact]
    public async Task Only_the_creator_may_upload_to_a_created_media_id()
    {
        var alice = await Server.RegisterAsync();
        var mallory = await Server.RegisterAsync();
        var (mxc, _) = await alice.CreateAsync();

        var response = await mallory.TryUploadToAsync(mxc, "not yours"u8.ToArray());

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.OkAsync(await alice.TryUploadToAsync(mxc, "mine"u8.ToArray()));
    }

    [Fact]
    public async Task Uploading_to_an_unknown_media_id_is_not_found()
    {
        var alice = await Server.RegisterAsync();

        var response = await alice.TryUploadToAsync(new MediaSteps.Mxc("localhost", "NeverCreated"), [1, 2, 3]);

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task More_pending_uploads_than_the_limit_are_429()
    {
        var alice = await Server.RegisterAsync();
        for (var i = 0; i < MediaSettings.Default.MaxPendingUploads; i++)
        {
            await alice.CreateAsync();
        }

        var refused = await alice.TryCreateAsync();
        var (someone, _) = await (await Server.RegisterAsync()).CreateAsync();

        await MatrixAssert.ErrorAsync(refused, HttpStatusCode.TooManyRequests, "M_LIMIT_EXCEEDED");
        Assert.NotNull(someone);
    }

    [Fact]
    public async Task A_download_of_a_pending_upload_is_504_M_NOT_YET_UPLOADED_after_timeout_ms()
    {
        var alice = await Server.RegisterAsync();
        var (mxc, _) = await alice.CreateAsync();

        var response = await alice.Client.GetAsync(mxc.Download + "?timeout_ms=0");

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.GatewayTimeout, "M_NOT_YET_UPLOADED");
    }

    [Fact]
    public async Task A_download_waiting_for_a_pending_upload_gets_the_content_when_it_arrives()
    {
        var alice = await Server.RegisterAsync();
        var (mxc, _) = await alice.CreateAsync();

        var waiting = alice.Client.GetAsync(mxc.Download + "?timeout_ms=60000");
        await MatrixAssert.OkAsync(await alice.TryUploadToAsync(mxc, "arrived"u8.ToArray(), "text/plain"));
        var response = await waiting;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("arrived"u8.ToArray(), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Config_reports_the_upload_limit_on_both_paths()
    {
        var alice = await Server.RegisterAsync();

        var legacy = await MatrixAssert.OkAsync(await alice.Client.GetAsync("/_matrix/media/v3/config"));

        Assert.Equal(MediaSettings.Default.MaxUploadBytes, await alice.UploadLimitAsync());
        Assert.Equal(MediaSettings.Default.MaxUploadBytes, legacy.GetProperty("m.upload.size").GetInt64());
    }

    [Fact]
    public async Task An_upload_without_an_access_token_is_401()
    {
        using var content = new ByteArrayContent([1, 2, 3]);

        var response = await Server.Anonymous.PostAsync(MediaSteps.Upload, content);

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task A_filename_with_a_control_character_is_refused()
    {
        var alice = await Server.RegisterAsync();

        var response = await alice.TryUploadAsync([1], "text/plain", "bad\u0001name.txt");

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    internal static string ContentDirectory(LiveServer server) =>
        Path.Combine(server.Instance.App.Services.GetRequiredService<HomeserverSettings>().DataDirectory, "media",
            "content");
}
