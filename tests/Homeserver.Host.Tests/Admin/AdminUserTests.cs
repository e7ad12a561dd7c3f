using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Admin;

/// <summary>Synapse's user admin API: list, query, create/modify, deactivate, passwords, rooms, login as, shadow-ban.</summary>
public sealed class AdminUserTests(LiveServerFixture fixture) : AdminApiTests(fixture)
{
    private static string User(string userId) => $"/_synapse/admin/v2/users/{RoomSteps.Escape(userId)}";

    private static string V1(string action, string userId) => $"/_synapse/admin/v1/{action}/{RoomSteps.Escape(userId)}";

    private static string V1User(string userId, string rest) =>
        $"/_synapse/admin/v1/users/{RoomSteps.Escape(userId)}/{rest}";

    [Fact]
    public async Task The_list_filters_by_name_pages_with_next_token_and_orders_both_ways()
    {
        var admin = await Server.RegisterAdminAsync();
        var tag = "pg" + Guid.NewGuid().ToString("N")[..8];
        var users = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            users.Add((await Server.RegisterAsync($"{tag}_{i}")).UserId);
        }

        var first = await MatrixAssert.OkAsync(await admin.Client.GetAsync($"/_synapse/admin/v2/users?name={tag}&limit=2"));
        Assert.Equal(3, first.GetProperty("total").GetInt32());
        Assert.Equal("2", first.GetProperty("next_token").GetString());
        Assert.Equal(users[..2], Names(first));
        var second = await MatrixAssert.OkAsync(await admin.Client.GetAsync(
            $"/_synapse/admin/v2/users?name={tag}&limit=2&from=2"));
        Assert.Equal(users[2..], Names(second));
        Assert.False(second.TryGetProperty("next_token", out _));

        var backwards = await MatrixAssert.OkAsync(await admin.Client.GetAsync(
            $"/_synapse/admin/v2/users?name={tag}&dir=b&order_by=creation_ts"));
        Assert.Equal(Enumerable.Reverse(users), Names(backwards));
        var item = backwards.GetProperty("users")[0];
        Assert.Equal(tag + "_2", item.GetProperty("displayname").GetString());
        Assert.False(item.GetProperty("admin").GetBoolean());
        Assert.True(item.GetProperty("creation_ts").GetInt64() > 1_000_000_000_000);
    }

    [Fact]
    public async Task The_list_leaves_out_deactivated_users_and_guests_when_asked_and_filters_admins()
    {
        var admin = await Server.RegisterAdminAsync();
        var tag = "fl" + Guid.NewGuid().ToString("N")[..8];
        var gone = await Server.RegisterAsync($"{tag}_gone");
        var kept = await Server.RegisterAsync($"{tag}_kept");
        await MatrixAssert.OkAsync(await admin.Client.PostAsJsonAsync(V1("deactivate", gone.UserId), new JsonObject()));

        Assert.Equal([kept.UserId], Names(await admin.Client.GetJsonAsync($"/_synapse/admin/v2/users?name={tag}")));
        Assert.Equal([gone.UserId, kept.UserId],
            Names(await admin.Client.GetJsonAsync($"/_synapse/admin/v2/users?name={tag}&deactivated=true")));
        Assert.Empty(Names(await admin.Client.GetJsonAsync($"/_synapse/admin/v2/users?name={tag}&admins=true")));
        Assert.Contains(admin.UserId, Names(await admin.Client.GetJsonAsync(
            $"/_synapse/admin/v2/users?user_id={RoomSteps.Escape(admin.UserId)}&admins=true")));
        var guest = await Server.RegisterGuestAsync();
        Assert.DoesNotContain(guest.UserId, Names(await admin.Client.GetJsonAsync(
            $"/_synapse/admin/v2/users?guests=false&user_id={RoomSteps.Escape(guest.UserId)}")));
        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync("/_synapse/admin/v2/users?limit=-1"),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync("/_synapse/admin/v2/users?order_by=password"),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync("/_synapse/admin/v2/users?guests=yes"),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Put_creates_a_missing_user_with_201_and_changes_an_existing_one_with_200()
    {
        var admin = await Server.RegisterAdminAsync();
        var userId = $"@{LiveServer.UniqueUsername("made")}:localhost";

        var created = await admin.Client.PutAsJsonAsync(User(userId),
            new JsonObject { ["password"] = "first pw", ["displayname"] = "Made", ["admin"] = false });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var made = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(userId, made.GetProperty("name").GetString());
        Assert.Equal("Made", made.GetProperty("displayname").GetString());
        var login = await Server.LoginBodyAsync(userId, "first pw");
        using var userClient = Server.NewClient(login.GetProperty("access_token").GetString());

        var changed = await admin.Client.PutAsJsonAsync(User(userId),
            new JsonObject { ["password"] = "second pw", ["displayname"] = "Renamed", ["admin"] = true });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var user = await admin.Client.GetJsonAsync(User(userId));
        Assert.True(user.GetProperty("admin").GetBoolean());
        Assert.Equal("Renamed", user.GetProperty("displayname").GetString());
        await MatrixAssert.ErrorAsync(await userClient.GetAsync("/_matrix/client/v3/account/whoami"),
            HttpStatusCode.Unauthorized, "M_UNKNOWN_TOKEN");
        await Server.LoginBodyAsync(userId, "second pw");
        await AdminAudit.AssertLastAsync(Server, userId, admin.UserId, "GET", "/_synapse/admin/v2/users/{userId}", 200);
        var entries = await AdminAudit.ForTargetAsync(Server, userId);
        Assert.Equal([201, 200], entries.Where(e => e.Method == "PUT").Select(e => e.Status));
    }

    [Fact]
    public async Task Put_deactivates_and_reactivates_only_with_a_password_and_never_demotes_oneself()
    {
        var (admin, user) = await AdminAndUserAsync();

        await MatrixAssert.OkAsync(await admin.Client.PutAsJsonAsync(User(user.UserId), new JsonObject { ["deactivated"] = true }));
        Assert.True((await admin.Client.GetJsonAsync(User(user.UserId))).GetProperty("deactivated").GetBoolean());
        await MatrixAssert.ErrorAsync(await admin.Client.PutAsJsonAsync(User(user.UserId),
            new JsonObject { ["deactivated"] = false }), HttpStatusCode.BadRequest, "M_UNKNOWN");
        await MatrixAssert.OkAsync(await admin.Client.PutAsJsonAsync(User(user.UserId),
            new JsonObject { ["deactivated"] = false, ["password"] = "back again" }));
        await Server.LoginBodyAsync(user.UserId, "back again");

        await MatrixAssert.ErrorAsync(await admin.Client.PutAsJsonAsync(User(admin.UserId),
            new JsonObject { ["admin"] = false }), HttpStatusCode.BadRequest, "M_UNKNOWN");
        await MatrixAssert.ErrorAsync(await admin.Client.PutAsJsonAsync(User(user.UserId),
            new JsonObject { ["admin"] = "yes" }), HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await admin.Client.PutAsJsonAsync(User(user.UserId),
            new JsonObject { ["deactivated"] = true, ["locked"] = true }), HttpStatusCode.BadRequest, "M_UNKNOWN");
    }

    [Fact]
    public async Task Query_answers_404_for_an_unknown_user_and_400_for_another_server()
    {
        var admin = await Server.RegisterAdminAsync();

        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync(User("@nobody_at_all:localhost")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync(User("@someone:elsewhere.example")),
            HttpStatusCode.BadRequest, "M_UNKNOWN");
    }

    [Fact]
    public async Task Every_user_endpoint_refuses_a_non_admin_and_records_the_refusal()
    {
        var user = await Server.RegisterAsync();
        var target = await Server.RegisterAsync();
        var calls = new (HttpMethod Method, string Path, string Template)[]
        {
            (HttpMethod.Get, User(target.UserId), "/_synapse/admin/v2/users/{userId}"),
            (HttpMethod.Put, User(target.UserId), "/_synapse/admin/v2/users/{userId}"),
            (HttpMethod.Post, V1("deactivate", target.UserId), "/_synapse/admin/v1/deactivate/{userId}"),
            (HttpMethod.Post, V1("reset_password", target.UserId), "/_synapse/admin/v1/reset_password/{userId}"),
            (HttpMethod.Get, V1User(target.UserId, "joined_rooms"), "/_synapse/admin/v1/users/{userId}/joined_rooms"),
            (HttpMethod.Post, V1User(target.UserId, "login"), "/_synapse/admin/v1/users/{userId}/login"),
            (HttpMethod.Post, V1User(target.UserId, "shadow_ban"), "/_synapse/admin/v1/users/{userId}/shadow_ban"),
            (HttpMethod.Delete, V1User(target.UserId, "shadow_ban"), "/_synapse/admin/v1/users/{userId}/shadow_ban"),
            (HttpMethod.Put, V1("suspend", target.UserId), "/_synapse/admin/v1/suspend/{userId}"),
        };

        foreach (var (method, path, template) in calls)
        {
            using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(new JsonObject()) };
            await MatrixAssert.ErrorAsync(await user.Client.SendAsync(request), HttpStatusCode.Forbidden, "M_FORBIDDEN");
            await AdminAudit.AssertLastAsync(Server, target.UserId, user.UserId, method.Method, template, 403, "M_FORBIDDEN");
        }

        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync("/_synapse/admin/v2/users"),
            HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task Deactivate_with_erase_removes_the_profile_and_the_logins()
    {
        var (admin, user) = await AdminAndUserAsync();

        var body = await MatrixAssert.OkAsync(await admin.Client.PostAsJsonAsync(V1("deactivate", user.UserId),
            new JsonObject { ["erase"] = true }));

        Assert.Equal("success", body.GetProperty("id_server_unbind_result").GetString());
        var after = await admin.Client.GetJsonAsync(User(user.UserId));
        Assert.True(after.GetProperty("deactivated").GetBoolean());
        Assert.True(after.GetProperty("erased").GetBoolean());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("displayname").ValueKind);
        await MatrixAssert.ErrorAsync(await user.Client.GetAsync("/_matrix/client/v3/account/whoami"),
            HttpStatusCode.Unauthorized, "M_UNKNOWN_TOKEN");
        await AdminAudit.AssertLastAsync(Server, user.UserId, admin.UserId, "GET", "/_synapse/admin/v2/users/{userId}", 200);
    }

    [Fact]
    public async Task Reset_password_sets_the_new_one_and_logs_out_unless_told_not_to()
    {
        var (admin, user) = await AdminAndUserAsync();

        await MatrixAssert.OkAsync(await admin.Client.PostAsJsonAsync(V1("reset_password", user.UserId),
            new JsonObject { ["new_password"] = "kept logged in", ["logout_devices"] = false }));
        await MatrixAssert.OkAsync(await user.Client.GetAsync("/_matrix/client/v3/account/whoami"));
        await MatrixAssert.OkAsync(await admin.Client.PostAsJsonAsync(V1("reset_password", user.UserId),
            new JsonObject { ["new_password"] = "logged out" }));

        await MatrixAssert.ErrorAsync(await user.Client.GetAsync("/_matrix/client/v3/account/whoami"),
            HttpStatusCode.Unauthorized, "M_UNKNOWN_TOKEN");
        await Server.LoginBodyAsync(user.UserId, "logged out");
        await AdminAudit.AssertLastAsync(Server, user.UserId, admin.UserId, "POST",
            "/_synapse/admin/v1/reset_password/{userId}", 200);
        await MatrixAssert.ErrorAsync(await admin.Client.PostAsJsonAsync(V1("reset_password", user.UserId),
            new JsonObject()), HttpStatusCode.BadRequest, "M_MISSING_PARAM");
    }

    [Fact]
    public async Task Joined_rooms_lists_the_rooms_the_user_is_in()
    {
        var (admin, user) = await AdminAndUserAsync();
        var room = await user.CreateRoomAsync();
        var left = await user.CreateRoomAsync();
        await user.LeaveAsync(left);

        var body = await MatrixAssert.OkAsync(await admin.Client.GetAsync(V1User(user.UserId, "joined_rooms")));

        Assert.Equal([room], body.GetProperty("joined_rooms").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(1, body.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Login_as_a_user_gives_a_token_that_acts_as_them_but_never_for_oneself()
    {
        var (admin, user) = await AdminAndUserAsync();

        var body = await MatrixAssert.OkAsync(await admin.Client.PostAsJsonAsync(V1User(user.UserId, "login"),
            new JsonObject()));

        using var asUser = Server.NewClient(body.GetProperty("access_token").GetString());
        Assert.Equal(user.UserId, (await asUser.GetJsonAsync("/_matrix/client/v3/account/whoami"))
            .GetProperty("user_id").GetString());
        await MatrixAssert.ErrorAsync(await admin.Client.PostAsJsonAsync(V1User(admin.UserId, "login"), new JsonObject()),
            HttpStatusCode.BadRequest, "M_UNKNOWN");
        await AdminAudit.AssertLastAsync(Server, user.UserId, admin.UserId, "POST",
            "/_synapse/admin/v1/users/{userId}/login", 200);
    }

    [Fact]
    public async Task Shadow_ban_and_suspend_show_in_the_user_and_are_undone()
    {
        var (admin, user) = await AdminAndUserAsync();

        await MatrixAssert.OkAsync(await admin.Client.PostAsJsonAsync(V1User(user.UserId, "shadow_ban"), new JsonObject()));
        var suspended = await MatrixAssert.OkAsync(await admin.Client.PutAsJsonAsync(V1("suspend", user.UserId),
            new JsonObject { ["suspend"] = true }));
        Assert.True(suspended.GetProperty($"user_{user.UserId}_suspended").GetBoolean());
        var banned = await admin.Client.GetJsonAsync(User(user.UserId));
        Assert.True(banned.GetProperty("shadow_banned").GetBoolean());
        Assert.True(banned.GetProperty("suspended").GetBoolean());
        await MatrixAssert.ErrorAsync(await user.Client.PostAsJsonAsync("/_matrix/client/v3/createRoom", new JsonObject()),
            HttpStatusCode.Forbidden, "M_USER_SUSPENDED");

        await MatrixAssert.OkAsync(await admin.Client.DeleteAsync(V1User(user.UserId, "shadow_ban")));
        await MatrixAssert.OkAsync(await admin.Client.PutAsJsonAsync(V1("suspend", user.UserId),
            new JsonObject { ["suspend"] = false }));
        var cleared = await admin.Client.GetJsonAsync(User(user.UserId));
        Assert.False(cleared.GetProperty("shadow_banned").GetBoolean());
        Assert.False(cleared.GetProperty("suspended").GetBoolean());
    }

    private static List<string> Names(JsonElement body) =>
        body.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("name").GetString()!).ToList();
}
