using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using static Homeserver.Host.Tests.Rooms.DirectoryTestRooms;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>GET /_matrix/client/v1/rooms/{roomId}/hierarchy over local rooms.</summary>
public sealed class HierarchyTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    private static string HierarchyPath(string roomId, string query = "") =>
        $"/_matrix/client/v1/rooms/{Uri.EscapeDataString(roomId)}/hierarchy{query}";

    private static Task<string> CreateSpaceAsync(TestSession session, string name, string preset = "public_chat") =>
        session.CreateRoomAsync(new JsonObject
        {
            ["preset"] = preset, ["name"] = name, ["creation_content"] = new JsonObject { ["type"] = "m.space" },
        });

    private static async Task AddChildAsync(TestSession session, string spaceId, string childId, string? order = null,
        bool suggested = false)
    {
        var content = new JsonObject { ["via"] = new JsonArray(ServerName) };
        if (order is not null)
        {
            content["order"] = order;
        }

        if (suggested)
        {
            content["suggested"] = true;
        }

        await MatrixAssert.OkAsync(await session.TrySetStateAsync(spaceId, "m.space.child", childId, content));
    }

    private static List<string> RoomIds(JsonElement page) =>
        page.GetProperty("rooms").EnumerateArray().Select(r => r.GetProperty("room_id").GetString()!).ToList();

    [Fact]
    public async Task The_hierarchy_walks_children_depth_first_in_order_with_their_child_state()
    {
        var alice = await Server.RegisterAsync();
        var space = await CreateSpaceAsync(alice, "space");
        var sub = await CreateSpaceAsync(alice, "sub");
        var first = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat", ["name"] = "first" });
        var inSub = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat", ["name"] = "in sub" });
        await AddChildAsync(alice, space, sub, order: "b");
        await AddChildAsync(alice, space, first, order: "a");
        await AddChildAsync(alice, sub, inSub);

        var page = await alice.Client.GetJsonAsync(HierarchyPath(space));
        Assert.Equal([space, first, sub, inSub], RoomIds(page));
        var root = page.GetProperty("rooms")[0];
        Assert.Equal("m.space", root.GetProperty("room_type").GetString());
        Assert.Equal("space", root.GetProperty("name").GetString());
        Assert.Equal(1, root.GetProperty("num_joined_members").GetInt32());
        var children = root.GetProperty("children_state").EnumerateArray().ToList();
        Assert.Equal(2, children.Count);
        Assert.All(children, c =>
        {
            Assert.Equal("m.space.child", c.GetProperty("type").GetString());
            Assert.Equal(alice.UserId, c.GetProperty("sender").GetString());
            Assert.True(c.GetProperty("origin_server_ts").GetInt64() > 0);
            Assert.Equal(ServerName, c.GetProperty("content").GetProperty("via")[0].GetString());
        });
        Assert.Empty(page.GetProperty("rooms")[1].GetProperty("children_state").EnumerateArray());
        Assert.False(page.TryGetProperty("next_batch", out _));
    }

    [Fact]
    public async Task Rooms_the_user_may_not_see_are_left_out_and_world_readable_or_joined_ones_are_shown()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var space = await CreateSpaceAsync(alice, "space");
        var hidden = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "private_chat" });
        var readable = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "private_chat" });
        await MatrixAssert.OkAsync(await alice.TrySetStateAsync(readable, "m.room.history_visibility", "",
            new JsonObject { ["history_visibility"] = "world_readable" }));
        var joinedPrivate = await bob.CreateRoomAsync(new JsonObject { ["preset"] = "private_chat" });
        var withoutVia = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await AddChildAsync(alice, space, hidden, order: "a");
        await AddChildAsync(alice, space, readable, order: "b");
        await AddChildAsync(alice, space, joinedPrivate, order: "c");
        await MatrixAssert.OkAsync(await alice.TrySetStateAsync(space, "m.space.child", withoutVia, new JsonObject()));

        Assert.Equal([space, readable, joinedPrivate], RoomIds(await bob.Client.GetJsonAsync(HierarchyPath(space))));
    }

    [Fact]
    public async Task A_root_the_user_may_not_see_is_forbidden()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var space = await CreateSpaceAsync(alice, "private space", preset: "private_chat");

        await MatrixAssert.ErrorAsync(await bob.Client.GetAsync(HierarchyPath(space)), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await bob.Client.GetAsync(HierarchyPath("!unknown:localhost")),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task A_banned_user_may_not_see_a_public_space()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var space = await CreateSpaceAsync(alice, "space");
        await bob.JoinByIdOrAliasAsync(space);
        await MatrixAssert.OkAsync(await alice.Client.PostAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(space)}/ban",
            System.Net.Http.Json.JsonContent.Create(new JsonObject { ["user_id"] = bob.UserId })));

        await MatrixAssert.ErrorAsync(await bob.Client.GetAsync(HierarchyPath(space)), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
    }

    [Fact]
    public async Task Suggested_only_keeps_suggested_children()
    {
        var alice = await Server.RegisterAsync();
        var space = await CreateSpaceAsync(alice, "space");
        var suggested = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var other = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await AddChildAsync(alice, space, suggested, suggested: true);
        await AddChildAsync(alice, space, other);

        var page = await alice.Client.GetJsonAsync(HierarchyPath(space, "?suggested_only=true"));
        Assert.Equal([space, suggested], RoomIds(page));
        Assert.Single(page.GetProperty("rooms")[0].GetProperty("children_state").EnumerateArray());
    }

    [Fact]
    public async Task Max_depth_stops_the_walk()
    {
        var alice = await Server.RegisterAsync();
        var space = await CreateSpaceAsync(alice, "space");
        var sub = await CreateSpaceAsync(alice, "sub");
        var deep = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await AddChildAsync(alice, space, sub);
        await AddChildAsync(alice, sub, deep);

        Assert.Equal([space], RoomIds(await alice.Client.GetJsonAsync(HierarchyPath(space, "?max_depth=0"))));
        Assert.Equal([space, sub], RoomIds(await alice.Client.GetJsonAsync(HierarchyPath(space, "?max_depth=1"))));
        Assert.Equal([space, sub, deep], RoomIds(await alice.Client.GetJsonAsync(HierarchyPath(space))));
    }

    [Fact]
    public async Task A_cycle_of_spaces_lists_each_room_once()
    {
        var alice = await Server.RegisterAsync();
        var space = await CreateSpaceAsync(alice, "a");
        var other = await CreateSpaceAsync(alice, "b");
        await AddChildAsync(alice, space, other);
        await AddChildAsync(alice, other, space);

        Assert.Equal([space, other], RoomIds(await alice.Client.GetJsonAsync(HierarchyPath(space))));
    }

    [Fact]
    public async Task Limit_and_from_page_through_the_hierarchy_and_options_cannot_change_between_pages()
    {
        var alice = await Server.RegisterAsync();
        var space = await CreateSpaceAsync(alice, "space");
        var children = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var child = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
            await AddChildAsync(alice, space, child, order: i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            children.Add(child);
        }

        var first = await alice.Client.GetJsonAsync(HierarchyPath(space, "?limit=2"));
        Assert.Equal([space, children[0]], RoomIds(first));
        var from = Uri.EscapeDataString(first.GetProperty("next_batch").GetString()!);
        var second = await alice.Client.GetJsonAsync(HierarchyPath(space, "?limit=2&from=" + from));
        Assert.Equal([children[1], children[2]], RoomIds(second));
        Assert.False(second.TryGetProperty("next_batch", out _));

        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(HierarchyPath(space, "?limit=2&suggested_only=true&from=" + from)),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(HierarchyPath(space, "?limit=2&max_depth=3&from=" + from)),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(HierarchyPath(space, "?from=nonsense")),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?max_depth=-1")]
    [InlineData("?suggested_only=maybe")]
    public async Task Invalid_parameters_are_invalid_params(string query)
    {
        var alice = await Server.RegisterAsync();
        var space = await CreateSpaceAsync(alice, "space");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(HierarchyPath(space, query)), HttpStatusCode.BadRequest,
            "M_INVALID_PARAM");
    }
}
