using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Admin;

/// <summary>Synapse's admin API for rooms: list, details, members, state, messages, forward extremities, block,
/// make_room_admin.</summary>
public sealed class AdminRoomEndpointTests(LiveServerFixture fixture) : AdminApiTests(fixture)
{
    private static string Room(string roomId, string rest = "") => $"/_synapse/admin/v1/rooms/{RoomSteps.Escape(roomId)}{rest}";

    private static async Task<string> NamedRoomAsync(TestSession owner, string name, string preset = "public_chat") =>
        await owner.CreateRoomAsync(new JsonObject { ["name"] = name, ["preset"] = preset });

    [Fact]
    public async Task The_room_list_is_refused_to_a_non_admin_and_the_refusal_audited()
    {
        var user = await Server.RegisterAsync();
        var roomId = await user.CreateRoomAsync();

        await MatrixAssert.ErrorAsync(await user.Client.GetAsync(Room(roomId)), HttpStatusCode.Forbidden, "M_FORBIDDEN");

        await AdminAudit.AssertLastAsync(Server, roomId, user.UserId, "GET", "/_synapse/admin/v1/rooms/{roomId}", 403,
            "M_FORBIDDEN");
    }

    [Fact]
    public async Task The_room_list_searches_names_orders_and_pages_as_Synapse()
    {
        var (admin, member) = await AdminAndUserAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var b = await NamedRoomAsync(admin, $"B {tag}");
        var a = await NamedRoomAsync(admin, $"A {tag}");
        var c = await NamedRoomAsync(admin, $"C {tag}");
        await member.JoinAsync(c);

        var byName = await admin.GetJsonAsync($"/_synapse/admin/v1/rooms?search_term={tag}&limit=2");
        Assert.Equal([a, b], Ids(byName));
        Assert.Equal(3, byName.GetProperty("total_rooms").GetInt32());
        Assert.Equal(0, byName.GetProperty("offset").GetInt32());
        Assert.Equal(2, byName.GetProperty("next_batch").GetInt32());
        Assert.False(byName.TryGetProperty("prev_batch", out _));
        var second = await admin.GetJsonAsync($"/_synapse/admin/v1/rooms?search_term={tag}&limit=2&from=2");
        Assert.Equal([c], Ids(second));
        Assert.Equal(0, second.GetProperty("prev_batch").GetInt32());
        Assert.False(second.TryGetProperty("next_batch", out _));

        var bySize = await admin.GetJsonAsync($"/_synapse/admin/v1/rooms?search_term={tag}&order_by=joined_members");
        Assert.Equal(c, Ids(bySize)[0]);
        var reversed = await admin.GetJsonAsync($"/_synapse/admin/v1/rooms?search_term={tag}&dir=b");
        Assert.Equal([c, b, a], Ids(reversed));

        var room = bySize.GetProperty("rooms")[0];
        Assert.Equal($"C {tag}", room.GetProperty("name").GetString());
        Assert.Equal(2, room.GetProperty("joined_members").GetInt32());
        Assert.Equal(2, room.GetProperty("joined_local_members").GetInt32());
        Assert.Equal(admin.UserId, room.GetProperty("creator").GetString());
        Assert.Equal("public", room.GetProperty("join_rules").GetString());
        Assert.True(room.GetProperty("federatable").GetBoolean());
        Assert.False(room.GetProperty("public").GetBoolean());
        Assert.True(room.GetProperty("state_events").GetInt32() >= 6);
        Assert.False(string.IsNullOrEmpty(room.GetProperty("version").GetString()));

        var byId = await admin.GetJsonAsync($"/_synapse/admin/v1/rooms?search_term={RoomSteps.Escape(a)}");
        Assert.Equal([a], Ids(byId));
    }

    [Fact]
    public async Task Bad_list_parameters_are_400_with_Synapse_errcodes()
    {
        var admin = await Server.RegisterAdminAsync();

        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync("/_synapse/admin/v1/rooms?order_by=colour"),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync("/_synapse/admin/v1/rooms?from=-1"),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync("/_synapse/admin/v1/rooms?search_term="),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync("/_synapse/admin/v1/rooms?dir=x"),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Details_members_and_state_need_no_membership_and_are_audited()
    {
        var (admin, owner) = await AdminAndUserAsync();
        var roomId = await NamedRoomAsync(owner, "Details", "private_chat");
        await owner.SetStateAsync(roomId, "m.room.tombstone", "", new JsonObject
        {
            ["body"] = "moved", ["replacement_room"] = "!elsewhere:example.org",
        });

        var details = await admin.GetJsonAsync(Room(roomId));
        Assert.Equal("Details", details.GetProperty("name").GetString());
        Assert.Equal("invite", details.GetProperty("join_rules").GetString());
        Assert.Equal(1, details.GetProperty("joined_local_devices").GetInt32());
        Assert.False(details.GetProperty("forgotten").GetBoolean());
        Assert.True(details.GetProperty("tombstoned").GetBoolean());
        Assert.Equal("!elsewhere:example.org", details.GetProperty("replacement_room").GetString());
        await AdminAudit.AssertLastAsync(Server, roomId, admin.UserId, "GET", "/_synapse/admin/v1/rooms/{roomId}", 200);

        var members = await admin.GetJsonAsync(Room(roomId, "/members"));
        Assert.Equal([owner.UserId], members.GetProperty("members").EnumerateArray().Select(m => m.GetString()!));
        Assert.Equal(1, members.GetProperty("total").GetInt32());

        var state = await admin.GetJsonAsync(Room(roomId, "/state"));
        Assert.Contains(state.GetProperty("state").EnumerateArray(), e => e.GetProperty("type").GetString() == "m.room.create");
        var names = await admin.GetJsonAsync(Room(roomId, "/state?type=m.room.name"));
        Assert.Single(names.GetProperty("state").EnumerateArray());

        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync(Room("!unknown:localhost")), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync(Room("!unknown:localhost", "/members")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Messages_of_a_private_room_are_readable_by_an_admin_outside_it()
    {
        var (admin, owner) = await AdminAndUserAsync();
        var roomId = await NamedRoomAsync(owner, "Private", "private_chat");
        await owner.SendTextAsync(roomId, "first");
        await owner.SendTextAsync(roomId, "second");

        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(roomId)}/messages?dir=b"), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        var page = await admin.GetJsonAsync(Room(roomId, "/messages?dir=b&limit=1&filter=" +
            RoomSteps.Escape("{\"types\":[\"m.room.message\"]}")));
        Assert.Equal(["second"], page.GetProperty("chunk").Bodies());
        var next = await admin.GetJsonAsync(Room(roomId, "/messages?dir=b&limit=1&filter=" +
            RoomSteps.Escape("{\"types\":[\"m.room.message\"]}") + "&from=" + page.GetProperty("end").GetString()));
        Assert.Equal(["first"], next.GetProperty("chunk").Bodies());
        var forwards = await admin.GetJsonAsync(Room(roomId, "/messages"));
        Assert.Equal("m.room.create", forwards.GetProperty("chunk")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Forward_extremities_are_listed_and_cleared_to_the_newest()
    {
        var (admin, owner) = await AdminAndUserAsync();
        var roomId = await owner.CreateRoomAsync();
        var last = await owner.SendTextAsync(roomId, "hello");

        var listed = await admin.GetJsonAsync(Room(roomId, "/forward_extremities"));
        Assert.Equal(1, listed.GetProperty("count").GetInt32());
        var extremity = listed.GetProperty("results")[0];
        Assert.Equal(last, extremity.GetProperty("event_id").GetString());
        Assert.True(extremity.GetProperty("depth").GetInt64() > 1);
        Assert.Equal(JsonValueKind.Number, extremity.GetProperty("state_group").ValueKind);

        var cleared = await MatrixAssert.OkAsync(await admin.Client.DeleteAsync(Room(roomId, "/forward_extremities")));
        Assert.Equal(0, cleared.GetProperty("deleted").GetInt32());
        await owner.SendTextAsync(roomId, "still writable");
        await AdminAudit.AssertLastAsync(Server, roomId, admin.UserId, "DELETE",
            "/_synapse/admin/v1/rooms/{roomIdOrAlias}/forward_extremities", 200);
    }

    [Fact]
    public async Task A_blocked_room_refuses_joins_with_Synapse_error_until_unblocked()
    {
        var (admin, owner) = await AdminAndUserAsync();
        var joiner = await Server.RegisterAsync();
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });

        Assert.False((await admin.GetJsonAsync(Room(roomId, "/block"))).GetProperty("block").GetBoolean());
        var set = await MatrixAssert.OkAsync(await admin.Client.PutAsJsonAsync(Room(roomId, "/block"),
            new JsonObject { ["block"] = true }));
        Assert.True(set.GetProperty("block").GetBoolean());
        var status = await admin.GetJsonAsync(Room(roomId, "/block"));
        Assert.Equal(admin.UserId, status.GetProperty("user_id").GetString());

        var refused = await MatrixAssert.ErrorAsync(await joiner.TryJoinAsync(roomId), HttpStatusCode.Forbidden,
            "M_UNKNOWN");
        Assert.Equal("This room has been blocked on this server", refused.GetProperty("error").GetString());
        await MatrixAssert.ErrorAsync(await owner.PostRoomAsync(roomId, "invite", new JsonObject { ["user_id"] = joiner.UserId }),
            HttpStatusCode.Forbidden, "M_UNKNOWN");

        await MatrixAssert.OkAsync(await admin.Client.PutAsJsonAsync(Room(roomId, "/block"), new JsonObject { ["block"] = false }));
        await joiner.JoinAsync(roomId);
        await MatrixAssert.ErrorAsync(await admin.Client.PutAsJsonAsync(Room(roomId, "/block"), new JsonObject { ["block"] = "yes" }),
            HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync(Room("not-a-room", "/block")), HttpStatusCode.BadRequest,
            "M_UNKNOWN");
    }

    [Fact]
    public async Task Make_room_admin_raises_the_admin_through_the_room_s_local_admin_and_invites_to_a_private_room()
    {
        var (admin, owner) = await AdminAndUserAsync();
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "private_chat" });

        await MatrixAssert.OkAsync(await admin.Client.PostAsJsonAsync(Room(roomId, "/make_room_admin"), new JsonObject()));

        var powerLevels = await owner.GetStateAsync(roomId, "m.room.power_levels", "");
        // The owner created the room: their level (a creator's, 100, when not listed) is the admin's now.
        Assert.Equal(powerLevels.GetProperty("users").TryGetProperty(owner.UserId, out var ownerLevel) ? ownerLevel.GetInt32() : 100,
            powerLevels.GetProperty("users").GetProperty(admin.UserId).GetInt32());
        await admin.JoinAsync(roomId); // invited by the owner
        await admin.SetStateAsync(roomId, "m.room.topic", "", new JsonObject { ["topic"] = "admin now" });
        await AdminAudit.AssertLastAsync(Server, roomId, admin.UserId, "POST",
            "/_synapse/admin/v1/rooms/{roomIdOrAlias}/make_room_admin", 200);
    }

    [Fact]
    public async Task Make_room_admin_without_a_local_admin_in_the_room_is_refused()
    {
        var (admin, owner) = await AdminAndUserAsync();
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await owner.LeaveAsync(roomId);

        var refused = await MatrixAssert.ErrorAsync(await admin.Client.PostAsJsonAsync(Room(roomId, "/make_room_admin"),
            new JsonObject()), HttpStatusCode.BadRequest, "M_UNKNOWN");
        Assert.Equal("No local admin user in room", refused.GetProperty("error").GetString());
    }

    private static List<string> Ids(JsonElement list) =>
        list.GetProperty("rooms").EnumerateArray().Select(r => r.GetProperty("room_id").GetString()!).ToList();
}
