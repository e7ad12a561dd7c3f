using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Homeserver.Host.Tests.Media;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Media;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Admin;

/// <summary>Synapse's admin deletion of media: one media, a user's, local media by last access and size, and the
/// purge of the remote media cache. Content files are shared by hash and go only with their last row.</summary>
public sealed class AdminMediaDeletionTests
{
    private static byte[] Unique(int length = 256) => RandomNumberGenerator.GetBytes(length);

    private static string Delete(MediaSteps.Mxc mxc) => $"/_synapse/admin/v1/media/{mxc.ServerName}/{mxc.MediaId}";

    private static long Ms(ManualClock clock) => clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static async Task<LiveServer> StartAsync(ManualClock clock) =>
        await LiveServer.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));

    [Fact]
    public async Task Deleting_one_media_keeps_the_content_file_another_media_still_uses()
    {
        await using var server = await LiveServer.StartAsync();
        var admin = await server.RegisterAdminAsync();
        var alice = await server.RegisterAsync();
        var bob = await server.RegisterAsync();
        var bytes = Unique();
        var first = await alice.UploadAsync(bytes, "application/octet-stream");
        var second = await bob.UploadAsync(bytes, "application/octet-stream");

        var deleted = await MatrixAssert.OkAsync(await admin.Client.DeleteAsync(Delete(first)));

        Assert.Equal([first.MediaId], deleted.GetProperty("deleted_media").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(1, deleted.GetProperty("total").GetInt32());
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(first.Download), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
        Assert.True(File.Exists(MediaFiles.PathOf(server, bytes)), "the shared file was deleted with one of its rows");
        Assert.Equal(bytes, (await bob.Client.DownloadAsync(second.Download)).Bytes);
        await AdminAudit.AssertLastAsync(server, first.ServerName, admin.UserId, "DELETE",
            "/_synapse/admin/v1/media/{serverName}/{mediaId}", 200);

        await MatrixAssert.OkAsync(await admin.Client.DeleteAsync(Delete(second)));
        Assert.False(File.Exists(MediaFiles.PathOf(server, bytes)), "the file outlived its last row");
    }

    [Fact]
    public async Task Deleting_another_servers_media_or_an_unknown_one_is_refused_as_Synapse_does()
    {
        await using var server = await LiveServer.StartAsync();
        var admin = await server.RegisterAdminAsync();
        var alice = await server.RegisterAsync();
        var mxc = await alice.UploadAsync(Unique(), "application/octet-stream");

        var remote = await MatrixAssert.ErrorAsync(await admin.Client.DeleteAsync(
            $"/_synapse/admin/v1/media/remote.test/{mxc.MediaId}"), HttpStatusCode.BadRequest, "M_UNKNOWN");
        var unknown = await MatrixAssert.ErrorAsync(await admin.Client.DeleteAsync(
            $"/_synapse/admin/v1/media/{mxc.ServerName}/NoSuchMedia"), HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.DeleteAsync(Delete(mxc)), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");

        Assert.Equal("Can only delete local media", remote.GetProperty("error").GetString());
        Assert.Equal("Unknown media", unknown.GetProperty("error").GetString());
        await alice.Client.DownloadAsync(mxc.Download);
    }

    [Fact]
    public async Task Deleting_a_users_media_deletes_the_page_that_would_be_listed()
    {
        var clock = new ManualClock();
        await using var server = await StartAsync(clock);
        var admin = await server.RegisterAdminAsync();
        var alice = await server.RegisterAsync();
        var older = await alice.UploadAsync(Unique(), "application/octet-stream");
        clock.Advance(TimeSpan.FromMinutes(1));
        var newer = await alice.UploadAsync(Unique(), "application/octet-stream");
        var path = $"/_synapse/admin/v1/users/{RoomSteps.Escape(alice.UserId)}/media";

        var deleted = await MatrixAssert.OkAsync(await admin.Client.DeleteAsync(path + "?limit=1"));

        Assert.Equal([newer.MediaId], deleted.GetProperty("deleted_media").EnumerateArray().Select(m => m.GetString()));
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(newer.Download), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
        await alice.Client.DownloadAsync(older.Download);
        await AdminAudit.AssertLastAsync(server, alice.UserId, admin.UserId, "DELETE",
            "/_synapse/admin/v1/users/{userId}/media", 200);
        await MatrixAssert.ErrorAsync(await alice.Client.DeleteAsync(path), HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Deleting_by_date_and_size_spares_recent_small_protected_quarantined_and_avatar_media()
    {
        var clock = new ManualClock();
        await using var server = await StartAsync(clock);
        var admin = await server.RegisterAdminAsync();
        var alice = await server.RegisterAsync();
        var old = await alice.UploadAsync(Unique(2048), "application/octet-stream");
        var small = await alice.UploadAsync(Unique(100), "application/octet-stream");
        var isProtected = await alice.UploadAsync(Unique(2048), "application/octet-stream");
        var quarantined = await alice.UploadAsync(Unique(2048), "application/octet-stream");
        var avatar = await alice.UploadAsync(Unique(2048), "image/png");
        await MatrixAssert.OkAsync(await admin.PostEmptyAsync($"/_synapse/admin/v1/media/protect/{isProtected.MediaId}"));
        await MatrixAssert.OkAsync(await admin.PostEmptyAsync(
            $"/_synapse/admin/v1/media/quarantine/{quarantined.ServerName}/{quarantined.MediaId}"));
        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/profile/{RoomSteps.Escape(alice.UserId)}/avatar_url",
            new { avatar_url = $"mxc://{avatar.ServerName}/{avatar.MediaId}" }));
        clock.Advance(TimeSpan.FromDays(1));
        var cutoff = Ms(clock);
        clock.Advance(TimeSpan.FromDays(1));
        var recent = await alice.UploadAsync(Unique(2048), "application/octet-stream");

        var deleted = await MatrixAssert.OkAsync(await admin.PostEmptyAsync(
            $"/_synapse/admin/v1/media/delete?before_ts={cutoff}&size_gt=1000"));

        var withProfiles = await MatrixAssert.OkAsync(await admin.PostEmptyAsync(
            $"/_synapse/admin/v1/media/delete?before_ts={cutoff}&size_gt=1000&keep_profiles=false"));

        Assert.Equal([old.MediaId], deleted.GetProperty("deleted_media").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal([avatar.MediaId], withProfiles.GetProperty("deleted_media").EnumerateArray()
            .Select(m => m.GetString()));
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(old.Download), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
        foreach (var kept in new[] { small, isProtected, recent })
        {
            await alice.Client.DownloadAsync(kept.Download);
        }
    }

    [Fact]
    public async Task Deletion_by_date_refuses_a_missing_or_seconds_timestamp_as_Synapse_does()
    {
        await using var server = await LiveServer.StartAsync();
        var admin = await server.RegisterAdminAsync();

        var missing = await MatrixAssert.ErrorAsync(await admin.PostEmptyAsync("/_synapse/admin/v1/media/delete"),
            HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        var seconds = await MatrixAssert.ErrorAsync(await admin.PostEmptyAsync(
            "/_synapse/admin/v1/purge_media_cache?before_ts=1700000000"), HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await admin.PostEmptyAsync("/_synapse/admin/v1/media/delete?before_ts=soon"),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await admin.PostEmptyAsync(
            "/_synapse/admin/v1/media/delete?before_ts=1700000000000&size_gt=-1"), HttpStatusCode.BadRequest,
            "M_INVALID_PARAM");

        Assert.Equal("Missing required integer query parameter before_ts", missing.GetProperty("error").GetString());
        Assert.StartsWith("Query parameter before_ts you provided is from the year 1970",
            seconds.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Purging_the_remote_cache_deletes_media_not_accessed_since_but_keeps_quarantined_and_shared_files()
    {
        var clock = new ManualClock();
        await using var server = await StartAsync(clock);
        var admin = await server.RegisterAdminAsync();
        var alice = await server.RegisterAsync();
        var shared = Unique();
        var local = await alice.UploadAsync(shared, "application/octet-stream");
        var onlyCached = Unique();
        await CacheRemoteAsync(server, "remote.test", "Stale", onlyCached, Ms(clock));
        await CacheRemoteAsync(server, "remote.test", "SharedWithLocal", shared, Ms(clock));
        await CacheRemoteAsync(server, "remote.test", "Quarantined", Unique(), Ms(clock));
        await MatrixAssert.OkAsync(await admin.PostEmptyAsync(
            "/_synapse/admin/v1/media/quarantine/remote.test/Quarantined"));
        clock.Advance(TimeSpan.FromDays(1));
        var cutoff = Ms(clock);
        await CacheRemoteAsync(server, "remote.test", "Fresh", Unique(), Ms(clock));

        var purged = await MatrixAssert.OkAsync(await admin.PostEmptyAsync(
            $"/_synapse/admin/v1/purge_media_cache?before_ts={cutoff}"));

        Assert.Equal(2, purged.GetProperty("deleted").GetInt32());
        Assert.False(File.Exists(MediaFiles.PathOf(server, onlyCached)));
        Assert.True(File.Exists(MediaFiles.PathOf(server, shared)), "a file a local media still uses was deleted");
        Assert.Equal(shared, (await alice.Client.DownloadAsync(local.Download)).Bytes);
        Assert.Equal(2, await MediaFiles.CountAsync(server,
            "SELECT count(*) FROM remote_media_cache WHERE media_id IN ('Quarantined', 'Fresh')"));
    }

    /// <summary>Puts a media of another server in the cache as a fetch would (content file, then its row).</summary>
    private static async Task CacheRemoteAsync(LiveServer server, string serverName, string mediaId, byte[] bytes,
        long now)
    {
        var services = server.Instance.App.Services;
        var writer = services.GetRequiredService<MediaContentWriter>();
        var cache = services.GetRequiredService<IRemoteMediaCacheStore>();
        using var body = new MemoryStream(bytes);
        await writer.StoreAsync(body, 1 << 20, (stored, ct) => cache.InsertAsync(new CachedRemoteMedia(serverName,
            mediaId, "application/octet-stream", null, stored.Length, stored.Sha256, now, now), ct), default);
    }
}
