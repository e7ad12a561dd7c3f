using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Media;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Admin;

/// <summary>Synapse's admin media API: a user's media, quarantine and protection, the media of a room.</summary>
public sealed class AdminMediaTests(LiveServerFixture fixture) : AdminApiTests(fixture)
{
    private static string UserMedia(string userId) => $"/_synapse/admin/v1/users/{RoomSteps.Escape(userId)}/media";

    private static string Quarantine(MediaSteps.Mxc mxc) =>
        $"/_synapse/admin/v1/media/quarantine/{mxc.ServerName}/{mxc.MediaId}";

    private static string Unquarantine(MediaSteps.Mxc mxc) =>
        $"/_synapse/admin/v1/media/unquarantine/{mxc.ServerName}/{mxc.MediaId}";

    private static byte[] Unique() => RandomNumberGenerator.GetBytes(256);

    [Fact]
    public async Task A_users_media_is_listed_newest_first_with_Synapse_fields_and_a_numeric_next_token()
    {
        var (admin, alice) = await AdminAndUserAsync();
        var first = await alice.UploadAsync(Unique(), "application/octet-stream", "first.bin");
        var second = await alice.UploadAsync(Unique(), "text/plain", "second.txt");
        var third = await alice.UploadAsync(Unique(), "image/png", "third.png");

        var page = await MatrixAssert.OkAsync(await admin.Client.GetAsync(UserMedia(alice.UserId) + "?limit=2"));
        var rest = await MatrixAssert.OkAsync(await admin.Client.GetAsync(
            UserMedia(alice.UserId) + "?from=2&limit=2"));
        var byName = await MatrixAssert.OkAsync(await admin.Client.GetAsync(
            UserMedia(alice.UserId) + "?order_by=upload_name&dir=b"));

        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal(2, page.GetProperty("next_token").GetInt32());
        var listed = page.GetProperty("media").EnumerateArray().ToList();
        Assert.Equal([third.MediaId, second.MediaId], listed.Select(m => m.GetProperty("media_id").GetString()));
        Assert.Equal("image/png", listed[0].GetProperty("media_type").GetString());
        Assert.Equal(256, listed[0].GetProperty("media_length").GetInt64());
        Assert.Equal("third.png", listed[0].GetProperty("upload_name").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, listed[0].GetProperty("quarantined_by").ValueKind);
        Assert.False(listed[0].GetProperty("safe_from_quarantine").GetBoolean());
        Assert.True(listed[0].GetProperty("created_ts").GetInt64() > 0);
        Assert.True(listed[0].GetProperty("last_access_ts").GetInt64() > 0);
        Assert.Equal([first.MediaId], rest.GetProperty("media").EnumerateArray()
            .Select(m => m.GetProperty("media_id").GetString()));
        Assert.False(rest.TryGetProperty("next_token", out _));
        Assert.Equal(["third.png", "second.txt", "first.bin"], byName.GetProperty("media").EnumerateArray()
            .Select(m => m.GetProperty("upload_name").GetString()));
        await AdminAudit.AssertLastAsync(Server, alice.UserId, admin.UserId, "GET",
            "/_synapse/admin/v1/users/{userId}/media", 200);
    }

    [Fact]
    public async Task Media_admin_endpoints_refuse_a_non_admin_and_audit_the_refusal()
    {
        var alice = await Server.RegisterAsync();
        var mxc = await alice.UploadAsync(Unique(), "application/octet-stream");

        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(UserMedia(alice.UserId)), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await alice.PostEmptyAsync($"/_synapse/admin/v1/media/protect/{mxc.MediaId}"),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await alice.Client.DeleteAsync(
                $"/_synapse/admin/v1/media/{mxc.ServerName}/{mxc.MediaId}"), HttpStatusCode.Forbidden, "M_FORBIDDEN");

        await AdminAudit.AssertLastAsync(Server, alice.UserId, alice.UserId, "GET",
            "/_synapse/admin/v1/users/{userId}/media", 403, "M_FORBIDDEN");
        await AdminAudit.AssertLastAsync(Server, mxc.MediaId, alice.UserId, "POST",
            "/_synapse/admin/v1/media/protect/{mediaId}", 403, "M_FORBIDDEN");
        await alice.Client.DownloadAsync(mxc.Download);
    }

    [Fact]
    public async Task Listing_media_of_another_servers_user_or_an_unknown_user_is_refused_as_Synapse_does()
    {
        var admin = await Server.RegisterAdminAsync();

        var remote = await MatrixAssert.ErrorAsync(await admin.Client.GetAsync(UserMedia("@someone:elsewhere.test")),
            HttpStatusCode.BadRequest, "M_UNKNOWN");
        var unknown = await MatrixAssert.ErrorAsync(await admin.Client.GetAsync(
            UserMedia($"@{LiveServer.UniqueUsername("nobody")}:{admin.UserId[(admin.UserId.IndexOf(':') + 1)..]}")), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync(UserMedia("not-a-user-id")),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync(UserMedia(admin.UserId) + "?order_by=size"),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");

        Assert.Equal("Can only look up local users", remote.GetProperty("error").GetString());
        Assert.Equal("Unknown user", unknown.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_quarantined_media_is_not_found_for_downloads_and_thumbnails_until_unquarantined()
    {
        var (admin, alice) = await AdminAndUserAsync();
        var mxc = await alice.UploadAsync(TestImages.Png(64, 48), "image/png");

        Assert.Equal("{}", (await MatrixAssert.OkAsync(await admin.PostEmptyAsync(Quarantine(mxc)))).GetRawText());

        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(mxc.Download), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(mxc.LegacyDownload), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(mxc.Thumbnail(32, 32, "crop")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        var listed = await MatrixAssert.OkAsync(await admin.Client.GetAsync(UserMedia(alice.UserId)));
        Assert.Equal(admin.UserId, listed.GetProperty("media")[0].GetProperty("quarantined_by").GetString());

        await MatrixAssert.OkAsync(await admin.PostEmptyAsync(Unquarantine(mxc)));
        await alice.Client.DownloadAsync(mxc.Download);
    }

    [Fact]
    public async Task Quarantine_reaches_every_media_with_the_same_content()
    {
        var (admin, alice) = await AdminAndUserAsync();
        var bob = await Server.RegisterAsync();
        var bytes = Unique();
        var original = await alice.UploadAsync(bytes, "application/octet-stream");
        var copy = await bob.UploadAsync(bytes, "application/octet-stream");

        await MatrixAssert.OkAsync(await admin.PostEmptyAsync(Quarantine(original)));

        await MatrixAssert.ErrorAsync(await bob.Client.GetAsync(copy.Download), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
        await AdminAudit.AssertLastAsync(Server, original.ServerName, admin.UserId, "POST",
            "/_synapse/admin/v1/media/quarantine/{serverName}/{mediaId}", 200);
    }

    [Fact]
    public async Task Protected_media_is_left_out_of_the_quarantine_of_its_uploaders_media()
    {
        var (admin, alice) = await AdminAndUserAsync();
        var keep = await alice.UploadAsync(Unique(), "application/octet-stream");
        var first = await alice.UploadAsync(Unique(), "application/octet-stream");
        var second = await alice.UploadAsync(Unique(), "application/octet-stream");
        await MatrixAssert.OkAsync(await admin.PostEmptyAsync($"/_synapse/admin/v1/media/protect/{keep.MediaId}"));

        var quarantined = await MatrixAssert.OkAsync(await admin.PostEmptyAsync(
            $"/_synapse/admin/v1/user/{RoomSteps.Escape(alice.UserId)}/media/quarantine"));
        await MatrixAssert.OkAsync(await admin.PostEmptyAsync(Quarantine(keep)));

        Assert.Equal(2, quarantined.GetProperty("num_quarantined").GetInt32());
        await alice.Client.DownloadAsync(keep.Download);
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(first.Download), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(second.Download), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
        var listed = await MatrixAssert.OkAsync(await admin.Client.GetAsync(
            UserMedia(alice.UserId) + "?order_by=safe_from_quarantine&dir=b&limit=1"));
        Assert.Equal(keep.MediaId, listed.GetProperty("media")[0].GetProperty("media_id").GetString());
        Assert.True(listed.GetProperty("media")[0].GetProperty("safe_from_quarantine").GetBoolean());

        await MatrixAssert.OkAsync(await admin.PostEmptyAsync($"/_synapse/admin/v1/media/unprotect/{keep.MediaId}"));
        await MatrixAssert.OkAsync(await admin.PostEmptyAsync(Quarantine(keep)));
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(keep.Download), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
    }

    [Fact]
    public async Task The_media_of_a_room_is_listed_local_and_remote_and_quarantined_together()
    {
        var (admin, alice) = await AdminAndUserAsync();
        var image = await alice.UploadAsync(Unique(), "image/png");
        var thumbnail = await alice.UploadAsync(Unique(), "image/png");
        var elsewhere = await alice.UploadAsync(Unique(), "image/png");
        var roomId = await alice.CreateRoomAsync();
        await alice.SendAsync(roomId, "m.room.message", new JsonObject
        {
            ["msgtype"] = "m.image",
            ["body"] = "cat.png",
            ["url"] = $"mxc://{image.ServerName}/{image.MediaId}",
            ["info"] = new JsonObject { ["thumbnail_url"] = $"mxc://{thumbnail.ServerName}/{thumbnail.MediaId}" },
        });
        await alice.SendAsync(roomId, "m.room.message", new JsonObject
        {
            ["msgtype"] = "m.file", ["body"] = "remote.bin", ["url"] = "mxc://remote.test/RemoteMediaId",
        });

        var media = await MatrixAssert.OkAsync(await admin.Client.GetAsync(
            $"/_synapse/admin/v1/room/{RoomSteps.Escape(roomId)}/media"));
        var quarantined = await MatrixAssert.OkAsync(await admin.PostEmptyAsync(
            $"/_synapse/admin/v1/room/{RoomSteps.Escape(roomId)}/media/quarantine"));

        Assert.Equal([$"mxc://{image.ServerName}/{image.MediaId}", $"mxc://{thumbnail.ServerName}/{thumbnail.MediaId}"],
            media.GetProperty("local").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal(["mxc://remote.test/RemoteMediaId"],
            media.GetProperty("remote").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal(2, quarantined.GetProperty("num_quarantined").GetInt32());
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(image.Download), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(thumbnail.Download), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
        await alice.Client.DownloadAsync(elsewhere.Download);
        await AdminAudit.AssertLastAsync(Server, roomId, admin.UserId, "POST",
            "/_synapse/admin/v1/room/{roomId}/media/quarantine", 200);
    }
}
