using System.Net;
using System.Security.Cryptography;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Configuration;
using Homeserver.Services.Media;
using Homeserver.Storage.Media;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Media;

/// <summary>Media retention (Media:LocalRetentionDays) on the server's clock: rows, thumbnails and content files.</summary>
public sealed class MediaRetentionTests
{
    private static readonly Dictionary<string, string?> ThirtyDays = new() { ["Media:LocalRetentionDays"] = "30" };

    [Fact]
    public async Task Media_not_accessed_for_the_retention_period_is_deleted_with_its_thumbnails_and_files()
    {
        var clock = new ManualClock();
        await using var server = await StartAsync(clock);
        var alice = await server.RegisterAsync();
        var image = TestImages.Png(400, 300);
        var old = await alice.UploadAsync(image, "image/png");
        var (_, thumbnail) = await alice.Client.DownloadAsync(old.Thumbnail(32, 32, "crop"));
        var kept = RandomNumberGenerator.GetBytes(100);
        var used = await alice.UploadAsync(kept, "application/octet-stream");
        clock.Advance(TimeSpan.FromDays(20));
        await alice.Client.DownloadAsync(used.Download);
        clock.Advance(TimeSpan.FromDays(11));

        await RunRetentionAsync(server);

        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(old.Download), HttpStatusCode.NotFound, "M_NOT_FOUND");
        Assert.False(File.Exists(MediaFiles.PathOf(server, image)), "the media's file is still there");
        Assert.False(File.Exists(MediaFiles.PathOf(server, thumbnail)), "the thumbnail's file is still there");
        Assert.Equal(kept, (await alice.Client.DownloadAsync(used.Download)).Bytes);
        Assert.True(File.Exists(MediaFiles.PathOf(server, kept)));
    }

    [Fact]
    public async Task Content_still_named_by_another_upload_is_kept()
    {
        var clock = new ManualClock();
        await using var server = await StartAsync(clock);
        var alice = await server.RegisterAsync();
        var bob = await server.RegisterAsync();
        var bytes = RandomNumberGenerator.GetBytes(2048);
        var old = await alice.UploadAsync(bytes, "application/octet-stream");
        clock.Advance(TimeSpan.FromDays(20));
        var recent = await bob.UploadAsync(bytes, "application/octet-stream");
        clock.Advance(TimeSpan.FromDays(11));

        await RunRetentionAsync(server);

        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(old.Download), HttpStatusCode.NotFound, "M_NOT_FOUND");
        Assert.Equal(bytes, (await bob.Client.DownloadAsync(recent.Download)).Bytes);
    }

    [Fact]
    public async Task Retention_is_off_by_default_but_expired_unused_media_ids_are_deleted()
    {
        var clock = new ManualClock();
        await using var server = await LiveServer.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var alice = await server.RegisterAsync();
        var mxc = await alice.UploadAsync(RandomNumberGenerator.GetBytes(64), "application/octet-stream");
        var (created, _) = await alice.CreateAsync();
        clock.Advance(TimeSpan.FromDays(400));

        await RunRetentionAsync(server);

        await alice.Client.DownloadAsync(mxc.Download);
        Assert.Equal(0, await MediaFiles.CountAsync(server, "SELECT count(*) FROM local_media WHERE media_id = @id",
            new { id = created.MediaId }));
    }

    [Fact]
    public async Task The_hourly_job_deletes_old_media_without_being_asked()
    {
        var clock = new ManualClock();
        await using var server = await StartAsync(clock);
        var alice = await server.RegisterAsync();
        var bytes = RandomNumberGenerator.GetBytes(64);
        await alice.UploadAsync(bytes, "application/octet-stream");

        clock.Advance(TimeSpan.FromDays(31));

        await Eventually.HoldsAsync(() => Task.FromResult(!File.Exists(MediaFiles.PathOf(server, bytes))),
            "the job deleted the old media's file");
    }

    // The race: an upload finds its content's file already on disk (another media names it), retention then deletes
    // that other media and, seeing no row naming the content, its file; the upload's row would point at nothing. The
    // upload holds the content's lock from finding the file to recording its row, so retention waits and then sees it.
    [Fact]
    public async Task An_upload_of_content_that_retention_is_deleting_keeps_its_file()
    {
        var clock = new ManualClock();
        GatedContentStore? gated = null;
        await using var server = await LiveServer.StartAsync(settings: ThirtyDays, services: s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            s.AddSingleton<IMediaContentStore>(sp =>
                gated = new GatedContentStore(new FileSystemMediaContentStore(sp.GetRequiredService<HomeserverSettings>())));
        });
        var alice = await server.RegisterAsync();
        var bob = await server.RegisterAsync();
        var bytes = RandomNumberGenerator.GetBytes(4096);
        var old = await alice.UploadAsync(bytes, "application/octet-stream");
        var gate = gated!.Arm();
        var upload = bob.TryUploadAsync(bytes, "application/octet-stream");
        await gate.Committed.WaitAsync(TimeSpan.FromSeconds(30));
        clock.Advance(TimeSpan.FromDays(31));

        var retention = RunRetentionAsync(server);
        await Eventually.HoldsAsync(async () => retention.IsCompleted || await WaitsForContentLockAsync(server, bytes),
            "retention finished or waits for the content's lock");
        gate.Release();
        var mxc = MediaSteps.Mxc.Parse((await MatrixAssert.OkAsync(await upload)).GetProperty("content_uri").GetString()!);
        await retention;

        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(old.Download), HttpStatusCode.NotFound, "M_NOT_FOUND");
        Assert.Equal(bytes, (await bob.Client.DownloadAsync(mxc.Download)).Bytes);
    }

    private static Task<LiveServer> StartAsync(ManualClock clock) =>
        LiveServer.StartAsync(settings: ThirtyDays, services: s => s.AddSingleton<TimeProvider>(clock));

    // Waits for a pass the hourly job may be running at the same time, then runs one.
    internal static Task RunRetentionAsync(LiveServer server) =>
        server.Instance.App.Services.GetRequiredService<MediaRetention>().RunAsync(CancellationToken.None, wait: true);

    private static async Task<bool> WaitsForContentLockAsync(LiveServer server, byte[] bytes) =>
        await MediaFiles.CountAsync(server, """
            SELECT count(*) FROM pg_locks
            WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1
              AND ((classid::bigint << 32) | objid::bigint) = hashtextextended('media.content:' || @sha, 1)
            """, new { sha = MediaFiles.Sha256(bytes) }) > 0;
}
