using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Admin;

/// <summary>/_synapse/admin/v1/send_server_notice: notices in a per-user room tagged m.server_notice, read-only for
/// the user (the spec's Server Notices module).</summary>
public sealed class AdminServerNoticeTests(LiveServerFixture fixture) : AdminApiTests(fixture)
{
    private const string Send = "/_synapse/admin/v1/send_server_notice";

    private static readonly string FullSync = "/_matrix/client/v3/sync?filter=" +
        Uri.EscapeDataString("""{"room":{"timeline":{"limit":50}}}""");

    private static JsonObject Notice(string userId, string body) => new()
    {
        ["user_id"] = userId,
        ["content"] = new JsonObject
        {
            ["msgtype"] = "m.server_notice", ["body"] = body, ["server_notice_type"] = "m.server_notice.custom",
        },
    };

    private static async Task<string> SendAsync(TestSession admin, JsonObject notice) =>
        (await MatrixAssert.OkAsync(await admin.Client.PostAsJsonAsync(Send, notice)))
        .GetProperty("event_id").GetString()!;

    [Fact]
    public async Task A_notice_arrives_in_the_users_sync_in_a_room_tagged_server_notice_that_the_user_cannot_post_to()
    {
        var (admin, user) = await AdminAndUserAsync();

        var eventId = await SendAsync(admin, Notice(user.UserId, "Scheduled maintenance tonight"));
        await AdminAuditTrail.AssertLastCallAsync(Server, admin.UserId, "POST", Send, 200);
        var invited = await user.GetJsonAsync(FullSync);
        var roomId = invited.GetProperty("rooms").GetProperty("invite").EnumerateObject().Single().Name;
        await user.JoinAsync(roomId);
        var synced = await user.GetJsonAsync(FullSync);

        var room = synced.GetProperty("rooms").GetProperty("join").GetProperty(roomId);
        var notice = room.GetProperty("timeline").GetProperty("events").EnumerateArray()
            .Single(e => e.GetProperty("event_id").GetString() == eventId);
        Assert.Equal("@notices:localhost", notice.GetProperty("sender").GetString());
        Assert.Equal("Scheduled maintenance tonight", notice.GetProperty("content").GetProperty("body").GetString());
        var tags = room.GetProperty("account_data").GetProperty("events").EnumerateArray()
            .Single(e => e.GetProperty("type").GetString() == "m.tag");
        Assert.True(tags.GetProperty("content").GetProperty("tags").TryGetProperty("m.server_notice", out _));
        var name = await user.GetStateAsync(roomId, "m.room.name");
        Assert.Equal("Server Notices", name.GetProperty("name").GetString());
        await MatrixAssert.ErrorAsync(await user.TrySendAsync(roomId, "m.room.message",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "reply" }), HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Later_notices_go_to_the_same_room_and_a_repeated_transaction_sends_once()
    {
        var (admin, user) = await AdminAndUserAsync();
        var first = await SendAsync(admin, Notice(user.UserId, "one"));

        var second = await MatrixAssert.OkAsync(await admin.Client.PutAsJsonAsync($"{Send}/txn1",
            Notice(user.UserId, "two")));
        var repeat = await MatrixAssert.OkAsync(await admin.Client.PutAsJsonAsync($"{Send}/txn1",
            Notice(user.UserId, "two")));
        await AdminAudit.AssertLastAsync(Server, "txn1", admin.UserId, "PUT", Send + "/{txnId}", 200);

        Assert.Equal(second.GetProperty("event_id").GetString(), repeat.GetProperty("event_id").GetString());
        var roomId = (await user.GetJsonAsync(FullSync)).GetProperty("rooms").GetProperty("invite")
            .EnumerateObject().Single().Name;
        await user.JoinAsync(roomId);
        var bodies = (await user.MessageListAsync(roomId))
            .Where(e => e.GetProperty("type").GetString() == "m.room.message")
            .Select(e => e.GetProperty("content").GetProperty("body").GetString()).ToList();
        Assert.Equal(2, bodies.Count);
        Assert.Contains("one", bodies);
        Assert.Contains("two", bodies);
        Assert.NotEqual(first, second.GetProperty("event_id").GetString());
    }

    [Fact]
    public async Task Notices_to_unknown_remote_or_malformed_users_are_refused_as_Synapse_refuses()
    {
        var admin = await Server.RegisterAdminAsync();

        var unknown = await MatrixAssert.ErrorAsync(await admin.Client.PostAsJsonAsync(Send,
            Notice("@nobody-here:localhost", "x")), HttpStatusCode.NotFound, "M_NOT_FOUND");
        var remote = await MatrixAssert.ErrorAsync(await admin.Client.PostAsJsonAsync(Send,
            Notice("@someone:elsewhere.example", "x")), HttpStatusCode.BadRequest, "M_UNKNOWN");
        var missing = await MatrixAssert.ErrorAsync(await admin.Client.PostAsJsonAsync(Send,
            new JsonObject { ["user_id"] = admin.UserId }), HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        await MatrixAssert.ErrorAsync(await admin.Client.PostAsJsonAsync(Send, Notice("not a user", "x")),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await AdminAuditTrail.AssertLastCallAsync(Server, admin.UserId, "POST", Send, 400, "M_INVALID_PARAM");

        Assert.Equal("User not found", unknown.GetProperty("error").GetString());
        Assert.Equal("Server notices can only be sent to local users", remote.GetProperty("error").GetString());
        Assert.Equal("Missing params: ['content']", missing.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_non_admin_may_not_send_notices_and_is_audited()
    {
        var user = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await user.Client.PostAsJsonAsync(Send, Notice(user.UserId, "x")),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await AdminAuditTrail.AssertLastCallAsync(Server, user.UserId, "POST", Send, 403, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await user.Client.PutAsJsonAsync(Send + "/t", Notice(user.UserId, "x")),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await AdminAuditTrail.AssertLastCallAsync(Server, user.UserId, "PUT", Send + "/{txnId}", 403, "M_FORBIDDEN");
    }

    [Fact]
    public async Task The_notices_users_id_is_reserved_to_the_server()
    {
        var (status, body) = await Server.PostAsync("/_matrix/client/v3/register", new JsonObject
        {
            ["username"] = "notices", ["password"] = "secret-enough",
            ["auth"] = new JsonObject { ["type"] = "m.login.dummy" },
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("M_EXCLUSIVE", body.GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task Without_a_notices_user_configured_notices_are_not_enabled()
    {
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["ServerNotices:SystemMxidLocalpart"] = "",
        });
        var admin = await server.RegisterAdminAsync();

        var refused = await MatrixAssert.ErrorAsync(await admin.Client.PostAsJsonAsync(Send,
            Notice(admin.UserId, "x")), HttpStatusCode.BadRequest, "M_UNKNOWN");

        Assert.Equal("Server notices are not enabled on this server", refused.GetProperty("error").GetString());
    }
}
