using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Admin;

/// <summary><c>GET /_synapse/admin/v1/users/{userId}/export_data</c>: one user's data as one JSON document.</summary>
public sealed class AdminUserExportTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    private static string Export(string userId) => $"/_synapse/admin/v1/users/{RoomSteps.Escape(userId)}/export_data";

    [Fact]
    public async Task The_export_holds_the_users_message_account_data_and_device_and_no_events_from_before_their_join()
    {
        var admin = await Server.RegisterAdminAsync();
        var bob = await Server.RegisterAsync();
        var alice = await Server.RegisterAsync();
        var room = await bob.CreateRoomWithVisibilityAsync("joined");
        var before = await bob.SendTextAsync(room, "before alice joined");
        await alice.JoinAsync(room);
        var message = await alice.SendTextAsync(room, "hello from alice");
        var reply = await bob.SendTextAsync(room, "hello alice");
        await PutAccountDataAsync(alice, $"/_matrix/client/v3/user/{RoomSteps.Escape(alice.UserId)}/account_data/org.example.settings",
            new JsonObject { ["theme"] = "dark" });
        await PutAccountDataAsync(alice,
            $"/_matrix/client/v3/user/{RoomSteps.Escape(alice.UserId)}/rooms/{RoomSteps.Escape(room)}/account_data/m.tag",
            new JsonObject { ["tags"] = new JsonObject { ["u.work"] = new JsonObject() } });

        var response = await admin.Client.GetAsync(Export(alice.UserId));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        var export = document.RootElement;

        Assert.Equal(alice.UserId, export.GetProperty("user_id").GetString());
        Assert.True(export.GetProperty("exported_at").GetInt64() > 1_000_000_000_000);
        Assert.Contains(alice.DeviceId, export.GetProperty("devices").EnumerateArray()
            .Select(d => d.GetProperty("device_id").GetString()));
        Assert.Equal("dark", export.GetProperty("account_data").GetProperty("global")
            .GetProperty("org.example.settings").GetProperty("theme").GetString());
        Assert.True(export.GetProperty("account_data").GetProperty("rooms").GetProperty(room).GetProperty("m.tag")
            .GetProperty("tags").TryGetProperty("u.work", out _));
        Assert.True(export.GetProperty("push_rules").GetProperty("global").TryGetProperty("override", out _));
        var entry = export.GetProperty("rooms").GetProperty(room);
        Assert.Equal("join", entry.GetProperty("membership").GetString());
        var events = entry.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event_id").GetString())
            .ToList();
        Assert.Contains(message, events);
        Assert.Contains(reply, events);
        Assert.DoesNotContain(before, events);
        Assert.Contains(entry.GetProperty("state").EnumerateArray(), e =>
            e.GetProperty("type").GetString() == "m.room.history_visibility" &&
            e.GetProperty("content").GetProperty("history_visibility").GetString() == "joined");
    }

    [Fact]
    public async Task A_non_admin_is_refused_and_the_refusal_is_audited()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await bob.Client.GetAsync(Export(alice.UserId)), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");

        await AdminAudit.AssertLastAsync(Server, alice.UserId, bob.UserId, "GET",
            "/_synapse/admin/v1/users/{userId}/export_data", 403, "M_FORBIDDEN");
    }

    [Fact]
    public async Task An_unknown_user_is_not_found_and_a_remote_user_is_refused()
    {
        var admin = await Server.RegisterAdminAsync();

        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync(Export("@nobody-here:localhost")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        var remote = await admin.Client.GetAsync(Export("@someone:elsewhere.example"));
        await MatrixAssert.ErrorAsync(remote, HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await AdminAudit.AssertLastAsync(Server, "@someone:elsewhere.example", admin.UserId, "GET",
            "/_synapse/admin/v1/users/{userId}/export_data", 400, "M_INVALID_PARAM");
    }

    private static async Task PutAccountDataAsync(TestSession session, string path, JsonObject content) =>
        await MatrixAssert.OkAsync(await session.Client.PutAsJsonAsync(path, content));
}
