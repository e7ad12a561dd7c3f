using System.Net;
using System.Security.Cryptography;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Media;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;
using NetVips;

namespace Homeserver.Host.Tests.Media;

/// <summary>Media of other servers through a registered <see cref="IRemoteMediaFetcher"/>, cached here.</summary>
public sealed class RemoteMediaTests
{
    private const string Remote = "remote.example";
    private static readonly MediaSteps.Mxc Photo = new(Remote, "RemotePhoto");

    [Fact]
    public async Task Remote_media_is_fetched_once_then_served_and_thumbnailed_from_the_cache()
    {
        var fetcher = new FakeRemoteMediaFetcher();
        var image = TestImages.Png(400, 200);
        fetcher.Media[(Remote, Photo.MediaId)] = (image, "image/png", "photo.png");
        await using var server = await StartAsync(fetcher);
        var alice = await server.RegisterAsync();

        var (first, firstBytes) = await alice.Client.DownloadAsync(Photo.Download);
        var (_, secondBytes) = await alice.Client.DownloadAsync(Photo.Download + "?allow_remote=false");
        var (_, thumbnail) = await alice.Client.DownloadAsync(Photo.Thumbnail(96, 96, "crop"));
        var (_, thumbnailAgain) = await alice.Client.DownloadAsync(Photo.Thumbnail(96, 96, "crop"));

        Assert.Equal(1, fetcher.Calls);
        Assert.Equal(image, firstBytes);
        Assert.Equal(image, secondBytes);
        Assert.Equal("image/png", first.Content.Headers.ContentType!.MediaType);
        Assert.Contains("photo.png", first.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(MediaFiles.PathOf(server, image)));
        using var decoded = Image.NewFromBuffer(thumbnail);
        Assert.Equal((96, 96), (decoded.Width, decoded.Height));
        Assert.Equal(thumbnail, thumbnailAgain);
        Assert.Equal(1, await MediaFiles.CountAsync(server,
            "SELECT count(*) FROM remote_media_thumbnails WHERE server_name = @server", new { server = Remote }));
    }

    [Fact]
    public async Task Uncached_remote_media_is_404_with_allow_remote_false_and_unknown_remote_media_is_404()
    {
        var fetcher = new FakeRemoteMediaFetcher();
        fetcher.Media[(Remote, Photo.MediaId)] = (TestImages.Png(10, 10), "image/png", null);
        await using var server = await StartAsync(fetcher);
        var alice = await server.RegisterAsync();

        var notAllowed = await alice.Client.GetAsync(Photo.Download + "?allow_remote=false");
        var thumbnailNotAllowed = await alice.Client.GetAsync(Photo.Thumbnail(32, 32, "crop") + "&allow_remote=false");
        var unknown = await alice.Client.GetAsync(new MediaSteps.Mxc(Remote, "Unknown").Download);
        var legacy = await server.Anonymous.GetAsync(Photo.LegacyDownload);

        await MatrixAssert.ErrorAsync(notAllowed, HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(thumbnailNotAllowed, HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(unknown, HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(legacy, HttpStatusCode.NotFound, "M_NOT_FOUND");
        Assert.Equal(1, fetcher.Calls);
    }

    [Fact]
    public async Task A_remote_server_slower_than_timeout_ms_is_504_M_NOT_YET_UPLOADED()
    {
        var clock = new ManualClock();
        var fetcher = new FakeRemoteMediaFetcher { Before = ct => Task.Delay(Timeout.Infinite, ct) };
        await using var server = await StartAsync(fetcher, clock);
        var alice = await server.RegisterAsync();

        var download = alice.Client.GetAsync(Photo.Download + "?timeout_ms=5000");
        await fetcher.Started.WaitAsync(TimeSpan.FromSeconds(30));
        clock.Advance(TimeSpan.FromSeconds(5));

        await MatrixAssert.ErrorAsync(await download, HttpStatusCode.GatewayTimeout, "M_NOT_YET_UPLOADED");
    }

    [Fact]
    public async Task A_failing_remote_fetch_is_502_and_remote_content_over_the_upload_limit_is_502_M_TOO_LARGE()
    {
        var fetcher = new FakeRemoteMediaFetcher();
        var big = new MediaSteps.Mxc(Remote, "Big");
        fetcher.Media[(Remote, big.MediaId)] = (RandomNumberGenerator.GetBytes(2048), "application/octet-stream", null);
        await using var server = await StartAsync(fetcher, settings: new() { ["Media:MaxUploadBytes"] = "1024" });
        var alice = await server.RegisterAsync();

        var tooBig = await alice.Client.GetAsync(big.Download);
        fetcher.Before = _ => throw new HttpRequestException("connection refused");
        var failed = await alice.Client.GetAsync(Photo.Download);

        await MatrixAssert.ErrorAsync(tooBig, HttpStatusCode.BadGateway, "M_TOO_LARGE");
        await MatrixAssert.ErrorAsync(failed, HttpStatusCode.BadGateway, "M_UNKNOWN");
        Assert.Empty(Directory.GetFiles(MediaUploadTests.ContentDirectory(server), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Cached_remote_media_not_accessed_for_the_remote_retention_period_is_deleted_and_fetched_again()
    {
        var clock = new ManualClock();
        var fetcher = new FakeRemoteMediaFetcher();
        var bytes = RandomNumberGenerator.GetBytes(512);
        fetcher.Media[(Remote, Photo.MediaId)] = (bytes, "application/octet-stream", null);
        await using var server = await StartAsync(fetcher, clock,
            new() { ["Media:RemoteRetentionDays"] = "7", ["Media:LocalRetentionDays"] = "0" });
        var alice = await server.RegisterAsync();
        await alice.Client.DownloadAsync(Photo.Download);
        clock.Advance(TimeSpan.FromDays(8));

        await MediaRetentionTests.RunRetentionAsync(server);

        Assert.False(File.Exists(MediaFiles.PathOf(server, bytes)), "the cached file is still there");
        Assert.Equal(bytes, (await alice.Client.DownloadAsync(Photo.Download)).Bytes);
        Assert.Equal(2, fetcher.Calls);
    }

    private static Task<LiveServer> StartAsync(FakeRemoteMediaFetcher fetcher, ManualClock? clock = null,
        Dictionary<string, string?>? settings = null) =>
        LiveServer.StartAsync(settings: settings, services: s =>
        {
            s.AddSingleton<IRemoteMediaFetcher>(fetcher);
            if (clock is not null)
            {
                s.AddSingleton<TimeProvider>(clock);
            }
        });
}
