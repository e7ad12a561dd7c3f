using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using static Homeserver.Host.Tests.Rooms.DirectoryTestRooms;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>GET and POST /publicRooms. Each test names its rooms with a unique word and searches for it.</summary>
public sealed class PublicRoomsTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private const string PublicRoomsPath = "/_matrix/client/v3/publicRooms";

    private LiveServer Server => fixture.Server;

    private static string Word() => LiveServer.UniqueUsername("Word");

    private static async Task<JsonElement> SearchAsync(TestSession session, JsonObject body) =>
        await MatrixAssert.OkAsync(await session.Client.PostAsJsonAsync(PublicRoomsPath, body));

    private static JsonObject Filter(string term, JsonArray? roomTypes = null, int? limit = null, string? since = null)
    {
        var filter = new JsonObject { ["generic_search_term"] = term };
        if (roomTypes is not null)
        {
            filter["room_types"] = roomTypes;
        }

        var body = new JsonObject { ["filter"] = filter };
        if (limit is not null)
        {
            body["limit"] = limit;
        }

        if (since is not null)
        {
            body["since"] = since;
        }

        return body;
    }

    private static List<string> RoomIds(JsonElement page) =>
        page.GetProperty("chunk").EnumerateArray().Select(r => r.GetProperty("room_id").GetString()!).ToList();

    [Fact]
    public async Task A_published_room_is_listed_with_every_field_of_its_state()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var word = Word();
        var localpart = LiveServer.UniqueUsername("pub");
        var roomId = await alice.CreateRoomAsync(new JsonObject
        {
            ["visibility"] = "public", ["preset"] = "public_chat", ["name"] = word + " name", ["topic"] = "the topic",
            ["room_alias_name"] = localpart,
        });
        await MatrixAssert.OkAsync(await alice.TrySetStateAsync(roomId, "m.room.avatar", "",
            new JsonObject { ["url"] = "mxc://localhost/avatar" }));
        await MatrixAssert.OkAsync(await alice.TrySetStateAsync(roomId, "m.room.history_visibility", "",
            new JsonObject { ["history_visibility"] = "world_readable" }));
        await MatrixAssert.OkAsync(await alice.TrySetStateAsync(roomId, "m.room.guest_access", "",
            new JsonObject { ["guest_access"] = "can_join" }));
        await bob.JoinByIdOrAliasAsync(roomId);

        var page = await SearchAsync(alice, Filter(word));
        var room = Assert.Single(page.GetProperty("chunk").EnumerateArray());
        Assert.Equal(roomId, room.GetProperty("room_id").GetString());
        Assert.Equal(word + " name", room.GetProperty("name").GetString());
        Assert.Equal("the topic", room.GetProperty("topic").GetString());
        Assert.Equal($"#{localpart}:{ServerName}", room.GetProperty("canonical_alias").GetString());
        Assert.Equal("mxc://localhost/avatar", room.GetProperty("avatar_url").GetString());
        Assert.Equal(2, room.GetProperty("num_joined_members").GetInt32());
        Assert.True(room.GetProperty("world_readable").GetBoolean());
        Assert.True(room.GetProperty("guest_can_join").GetBoolean());
        Assert.Equal("public", room.GetProperty("join_rule").GetString());
        Assert.False(room.TryGetProperty("room_type", out _));
        Assert.Equal(1, page.GetProperty("total_room_count_estimate").GetInt32());
    }

    [Fact]
    public async Task Unpublished_rooms_are_not_listed()
    {
        var alice = await Server.RegisterAsync();
        var word = Word();
        await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat", ["name"] = word });
        Assert.Empty(RoomIds(await SearchAsync(alice, Filter(word))));
    }

    [Fact]
    public async Task The_search_term_matches_name_topic_and_canonical_alias_ignoring_case()
    {
        var alice = await Server.RegisterAsync();
        var word = Word();
        var byName = await alice.CreateRoomAsync(new JsonObject { ["visibility"] = "public", ["name"] = "x" + word + "x" });
        var byTopic = await alice.CreateRoomAsync(new JsonObject { ["visibility"] = "public", ["topic"] = "about " + word });
        var byAlias = await alice.CreateRoomAsync(new JsonObject
        {
            ["visibility"] = "public", ["room_alias_name"] = word.ToLowerInvariant() + "_alias",
        });
        await alice.CreateRoomAsync(new JsonObject { ["visibility"] = "public", ["name"] = "unrelated" });

        var found = RoomIds(await SearchAsync(alice, Filter(word.ToUpperInvariant())));
        Assert.Equal(new[] { byName, byTopic, byAlias }.Order(), found.Order());
    }

    [Fact]
    public async Task Room_types_filter_selects_spaces_untyped_rooms_or_both()
    {
        var alice = await Server.RegisterAsync();
        var word = Word();
        var plain = await alice.CreateRoomAsync(new JsonObject { ["visibility"] = "public", ["name"] = word });
        var space = await alice.CreateRoomAsync(new JsonObject
        {
            ["visibility"] = "public", ["name"] = word, ["creation_content"] = new JsonObject { ["type"] = "m.space" },
        });

        Assert.Equal([plain], RoomIds(await SearchAsync(alice, Filter(word, new JsonArray((JsonNode?)null)))));
        Assert.Equal([space], RoomIds(await SearchAsync(alice, Filter(word, new JsonArray("m.space")))));
        Assert.Equal(2, RoomIds(await SearchAsync(alice, Filter(word, new JsonArray(null, "m.space")))).Count);
        Assert.Equal(2, RoomIds(await SearchAsync(alice, Filter(word))).Count);
        var spaceChunk = (await SearchAsync(alice, Filter(word, new JsonArray("m.space")))).GetProperty("chunk")[0];
        Assert.Equal("m.space", spaceChunk.GetProperty("room_type").GetString());
    }

    [Fact]
    public async Task Pages_follow_next_batch_and_prev_batch_in_joined_member_order()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var word = Word();
        var rooms = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            rooms.Add(await alice.CreateRoomAsync(new JsonObject
            {
                ["visibility"] = "public", ["preset"] = "public_chat", ["name"] = word,
            }));
        }

        await bob.JoinByIdOrAliasAsync(rooms[3]); // the biggest room comes first

        var first = await SearchAsync(alice, Filter(word, limit: 2));
        Assert.Equal(5, first.GetProperty("total_room_count_estimate").GetInt32());
        Assert.False(first.TryGetProperty("prev_batch", out _));
        Assert.Equal(rooms[3], RoomIds(first)[0]);
        var second = await SearchAsync(alice, Filter(word, limit: 2, since: first.GetProperty("next_batch").GetString()));
        var third = await SearchAsync(alice, Filter(word, limit: 2, since: second.GetProperty("next_batch").GetString()));
        Assert.False(third.TryGetProperty("next_batch", out _));

        var all = RoomIds(first).Concat(RoomIds(second)).Concat(RoomIds(third)).ToList();
        Assert.Equal(5, all.Count);
        Assert.Equal(rooms.Order(), all.Order());
        Assert.Equal(all.Skip(1).Order(StringComparer.Ordinal), all.Skip(1));

        var back = await SearchAsync(alice, Filter(word, limit: 2, since: second.GetProperty("prev_batch").GetString()));
        Assert.Equal(RoomIds(first), RoomIds(back));
        Assert.False(back.TryGetProperty("prev_batch", out _));
        Assert.Equal(RoomIds(second), RoomIds(await SearchAsync(alice,
            Filter(word, limit: 2, since: back.GetProperty("next_batch").GetString()))));
    }

    [Fact]
    public async Task Get_lists_published_rooms_without_an_access_token_and_honours_limit()
    {
        var alice = await Server.RegisterAsync();
        await alice.CreateRoomAsync(new JsonObject { ["visibility"] = "public" });
        await alice.CreateRoomAsync(new JsonObject { ["visibility"] = "public" });

        var page = await Server.Anonymous.GetJsonAsync(PublicRoomsPath + "?limit=1");
        Assert.Single(page.GetProperty("chunk").EnumerateArray());
        Assert.True(page.GetProperty("total_room_count_estimate").GetInt32() >= 2);
        var next = await Server.Anonymous.GetJsonAsync(
            PublicRoomsPath + "?limit=1&since=" + Uri.EscapeDataString(page.GetProperty("next_batch").GetString()!));
        Assert.NotEqual(RoomIds(page), RoomIds(next));
    }

    [Fact]
    public async Task Post_needs_an_access_token()
    {
        await MatrixAssert.ErrorAsync(await Server.Anonymous.PostAsJsonAsync(PublicRoomsPath, new JsonObject()),
            HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task The_directory_of_a_server_that_cannot_be_reached_is_502_and_a_bad_server_name_400()
    {
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(PublicRoomsPath + "?server=elsewhere.example"),
            HttpStatusCode.BadGateway, "M_UNKNOWN");
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(PublicRoomsPath + "?server=bad%20name"),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.OkAsync(await Server.Anonymous.GetAsync(PublicRoomsPath + "?server=" + ServerName));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("x1_!room")]
    [InlineData("f_!room")]
    public async Task An_unknown_since_token_is_an_invalid_param(string since)
    {
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(PublicRoomsPath + "?since=" + since),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task A_wrongly_typed_filter_is_bad_json()
    {
        var alice = await Server.RegisterAsync();
        var response = await alice.Client.PostAsJsonAsync(PublicRoomsPath,
            new JsonObject { ["filter"] = new JsonObject { ["room_types"] = "m.space" } });
        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_BAD_JSON");
    }
}
