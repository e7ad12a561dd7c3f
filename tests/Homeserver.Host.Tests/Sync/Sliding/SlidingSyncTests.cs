using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Sync.Sliding;

/// <summary>Simplified sliding sync (MSC4186) over HTTP: lists, pos, rooms, required state, subscriptions.</summary>
public sealed class SlidingSyncTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Versions_advertise_simplified_sliding_sync()
    {
        var versions = await Server.Anonymous.GetJsonAsync("/_matrix/client/versions");
        Assert.True(versions.GetProperty("unstable_features").GetProperty("org.matrix.simplified_msc3575").GetBoolean());
    }

    [Fact]
    public async Task The_list_is_sorted_by_recent_activity_windowed_by_range_and_counted()
    {
        var alice = await Server.RegisterAsync();
        var first = await alice.CreateRoomAsync();
        var second = await alice.CreateRoomAsync();
        var third = await alice.CreateRoomAsync();
        await alice.SendTextAsync(first, "bump");

        var response = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 1));

        Assert.Equal(3, response.GetProperty("lists").GetProperty("all").GetProperty("count").GetInt32());
        Assert.Equal(new[] { first, third }.Order(StringComparer.Ordinal),
            response.RoomIds().Order(StringComparer.Ordinal));
        Assert.DoesNotContain(second, response.RoomIds());
        var firstRoom = response.SlidingRoom(first);
        Assert.True(firstRoom.GetProperty("initial").GetBoolean());
        Assert.Equal("join", firstRoom.GetProperty("membership").GetString());
        Assert.True(firstRoom.GetProperty("bump_stamp").GetInt64() >
                    response.SlidingRoom(third).GetProperty("bump_stamp").GetInt64());
        Assert.Equal(["bump"], firstRoom.TimelineBodies());
        Assert.Equal(["all"], firstRoom.GetProperty("lists").EnumerateArray().Select(l => l.GetString()));
    }

    [Fact]
    public async Task Unknown_pos_answers_M_UNKNOWN_POS()
    {
        var alice = await Server.RegisterAsync();
        await MatrixAssert.ErrorAsync(await alice.TrySlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9), pos: "987654321"),
            HttpStatusCode.BadRequest, "M_UNKNOWN_POS");
        await MatrixAssert.ErrorAsync(await alice.TrySlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9), pos: "nonsense"),
            HttpStatusCode.BadRequest, "M_UNKNOWN_POS");
    }

    [Fact]
    public async Task A_pos_belongs_to_its_connection_and_user()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var body = SlidingSyncSteps.ListBody(0, 9);
        body["conn_id"] = "main";
        var pos = (await alice.SlidingSyncAsync(body)).Pos();

        var other = SlidingSyncSteps.ListBody(0, 9);
        other["conn_id"] = "notifications";
        await MatrixAssert.ErrorAsync(await alice.TrySlidingSyncAsync(other, pos), HttpStatusCode.BadRequest,
            "M_UNKNOWN_POS");
        await MatrixAssert.ErrorAsync(await bob.TrySlidingSyncAsync(body, pos), HttpStatusCode.BadRequest,
            "M_UNKNOWN_POS");
        await alice.SlidingSyncAsync(body, pos);
    }

    [Fact]
    public async Task An_incremental_request_sends_only_rooms_that_changed_since_pos()
    {
        var alice = await Server.RegisterAsync();
        var quiet = await alice.CreateRoomAsync();
        var busy = await alice.CreateRoomAsync();
        var initial = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9));
        Assert.Equal(2, initial.RoomIds().Count);

        await alice.SendTextAsync(busy, "news");
        var incremental = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9), initial.Pos());

        Assert.Equal([busy], incremental.RoomIds());
        var room = incremental.SlidingRoom(busy);
        Assert.False(room.TryGetProperty("initial", out _));
        Assert.Equal(["news"], room.TimelineBodies());
        Assert.Equal(1, room.GetProperty("num_live").GetInt32());
        Assert.False(room.GetProperty("limited").GetBoolean());
        Assert.DoesNotContain(quiet, incremental.RoomIds());
    }

    [Fact]
    public async Task An_incremental_request_finds_rooms_the_user_was_invited_to_joined_or_left_since_pos()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var kept = await alice.CreateRoomAsync();
        var left = await alice.CreateRoomAsync();
        var joined = await bob.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var initial = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9));
        Assert.Equal(2, initial.GetProperty("lists").GetProperty("all").GetProperty("count").GetInt32());

        var invited = await bob.CreateRoomAsync();
        await bob.InviteAsync(invited, alice.UserId);
        await alice.JoinAsync(joined);
        await alice.LeaveAsync(left);
        var incremental = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9), initial.Pos());

        Assert.Equal("invite", incremental.SlidingRoom(invited).GetProperty("membership").GetString());
        Assert.True(incremental.SlidingRoom(joined).GetProperty("initial").GetBoolean());
        Assert.DoesNotContain(kept, incremental.RoomIds());
        // Rooms listed: kept, invited, joined, and the room left by the user, which the connection was already sent.
        Assert.Equal(4, incremental.GetProperty("lists").GetProperty("all").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task A_retry_with_the_same_pos_gets_the_same_rooms_again()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        var pos = (await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9))).Pos();
        await alice.SendTextAsync(room, "once");

        var lost = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9), pos);
        var retried = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9), pos);

        Assert.Equal(["once"], lost.SlidingRoom(room).TimelineBodies());
        Assert.Equal(["once"], retried.SlidingRoom(room).TimelineBodies());
        var after = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9), retried.Pos());
        Assert.Empty(after.RoomIds());
    }

    [Fact]
    public async Task A_room_that_enters_the_window_is_sent_in_full()
    {
        var alice = await Server.RegisterAsync();
        var old = await alice.CreateRoomAsync();
        await alice.SendTextAsync(old, "old message");
        var recent = await alice.CreateRoomAsync();
        var initial = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 0));
        Assert.Equal([recent], initial.RoomIds());

        await alice.SendTextAsync(old, "new message");
        var incremental = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 0), initial.Pos());

        Assert.Equal([old], incremental.RoomIds());
        Assert.True(incremental.SlidingRoom(old).GetProperty("initial").GetBoolean());
        Assert.Equal(["old message", "new message"], incremental.SlidingRoom(old).TimelineBodies());
    }

    [Fact]
    public async Task A_long_poll_returns_when_another_user_sends_a_message()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.SharedRoomAsync(bob);
        var pos = (await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9))).Pos();

        var poll = alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9), pos, timeoutMs: 30_000);
        await bob.SendTextAsync(room, "hello alice");
        var response = await poll.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["hello alice"], response.SlidingRoom(room).TimelineBodies());
    }

    [Fact]
    public async Task A_long_poll_with_nothing_new_returns_the_same_pos_after_its_timeout()
    {
        var alice = await Server.RegisterAsync();
        await alice.CreateRoomAsync();
        var pos = (await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9))).Pos();

        var response = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9), pos, timeoutMs: 200);

        Assert.Empty(response.RoomIds());
        Assert.Equal(pos, response.Pos());
    }

    [Fact]
    public async Task Required_state_takes_exact_keys_me_and_lazily_loaded_senders()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat", ["name"] = "Hall" });
        await bob.JoinAsync(room);
        await carol.JoinAsync(room);
        await bob.SendTextAsync(room, "from bob");

        var response = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9, timelineLimit: 1,
            SlidingSyncSteps.Pairs(("m.room.name", ""), ("m.room.member", "$ME"), ("m.room.member", "$LAZY"))));

        var state = response.SlidingRoom(room).RequiredStateKeys();
        Assert.Contains(("m.room.name", ""), state);
        Assert.Contains(("m.room.member", alice.UserId), state);
        Assert.Contains(("m.room.member", bob.UserId), state);
        Assert.DoesNotContain(("m.room.member", carol.UserId), state);
        Assert.DoesNotContain(("m.room.create", ""), state);
        Assert.Equal("Hall", response.SlidingRoom(room).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Required_state_wildcards_match_every_entry_of_a_type_or_all_state()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.SharedRoomAsync(bob);

        var members = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9, 1,
            SlidingSyncSteps.Pairs(("m.room.member", "*"))));
        var all = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9, 1, SlidingSyncSteps.Pairs(("*", "*"))));

        Assert.Equal(new[] { alice.UserId, bob.UserId }.Order(StringComparer.Ordinal),
            members.SlidingRoom(room).RequiredStateKeys().Select(k => k.StateKey).Order(StringComparer.Ordinal));
        Assert.All(members.SlidingRoom(room).RequiredStateKeys(), k => Assert.Equal("m.room.member", k.Type));
        Assert.Contains(("m.room.create", ""), all.SlidingRoom(room).RequiredStateKeys());
        Assert.Contains(("m.room.power_levels", ""), all.SlidingRoom(room).RequiredStateKeys());
    }

    [Fact]
    public async Task A_state_change_is_sent_to_a_connection_that_asked_for_it()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["name"] = "Before" });
        var body = SlidingSyncSteps.ListBody(0, 9, 1, SlidingSyncSteps.Pairs(("m.room.name", ""), ("m.room.topic", "")));
        var pos = (await alice.SlidingSyncAsync(body)).Pos();

        await alice.SetStateAsync(room, "m.room.name", "", new JsonObject { ["name"] = "After" });
        var incremental = await alice.SlidingSyncAsync(body, pos);

        var entry = incremental.SlidingRoom(room);
        Assert.Equal([("m.room.name", "")], entry.RequiredStateKeys());
        Assert.Equal("After", entry.GetProperty("name").GetString());
    }

    [Fact]
    public async Task An_unnamed_room_has_heroes_and_member_counts()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.SharedRoomAsync(bob);

        var entry = (await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9))).SlidingRoom(room);

        Assert.False(entry.TryGetProperty("name", out _));
        Assert.Equal([bob.UserId], entry.GetProperty("heroes").EnumerateArray()
            .Select(h => h.GetProperty("user_id").GetString()));
        Assert.Equal(2, entry.GetProperty("joined_count").GetInt32());
        Assert.Equal(0, entry.GetProperty("invited_count").GetInt32());
        Assert.Equal(0, entry.GetProperty("notification_count").GetInt32());
    }

    [Fact]
    public async Task A_subscribed_room_outside_every_window_is_sent_and_stays_subscribed()
    {
        var alice = await Server.RegisterAsync();
        var subscribed = await alice.CreateRoomAsync();
        await alice.SendTextAsync(subscribed, "older");
        // A list that matches nothing: the subscription is the only rule that can send the room.
        var noDms = new JsonObject { ["is_dm"] = true };
        var body = SlidingSyncSteps.ListBody(0, 0, filters: noDms);
        body["room_subscriptions"] = new JsonObject
        {
            [subscribed] = new JsonObject { ["timeline_limit"] = 10, ["required_state"] = new JsonArray() },
        };
        var initial = await alice.SlidingSyncAsync(body);
        Assert.Equal(["older"], initial.SlidingRoom(subscribed).TimelineBodies());
        Assert.False(initial.SlidingRoom(subscribed).TryGetProperty("lists", out _));

        await alice.SendTextAsync(subscribed, "live");
        var incremental = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 0, filters: noDms.DeepClone().AsObject()),
            initial.Pos());
        Assert.Equal(["live"], incremental.SlidingRoom(subscribed).TimelineBodies());

        var unsubscribe = SlidingSyncSteps.ListBody(0, 0, filters: noDms.DeepClone().AsObject());
        unsubscribe["unsubscribe_rooms"] = new JsonArray(subscribed);
        var dropped = await alice.SlidingSyncAsync(unsubscribe, incremental.Pos());
        await alice.SendTextAsync(subscribed, "unseen");
        var later = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 0, filters: noDms.DeepClone().AsObject()),
            dropped.Pos());
        Assert.DoesNotContain(subscribed, later.RoomIds());
    }

    [Fact]
    public async Task Subscribing_to_a_room_the_user_never_joined_sends_nothing()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var bobsRoom = await bob.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var body = new JsonObject
        {
            ["room_subscriptions"] = new JsonObject { [bobsRoom] = new JsonObject { ["timeline_limit"] = 10 } },
        };

        Assert.Empty((await alice.SlidingSyncAsync(body)).RoomIds());
    }

    [Fact]
    public async Task A_connection_holds_at_most_a_thousand_room_subscriptions()
    {
        var alice = await Server.RegisterAsync();
        var many = new JsonObject();
        for (var i = 0; i < 1000; i++)
        {
            many[$"!room{i}:example.org"] = new JsonObject { ["timeline_limit"] = 1 };
        }

        var pos = (await alice.SlidingSyncAsync(new JsonObject { ["room_subscriptions"] = many })).Pos();
        var oneMore = new JsonObject
        {
            ["room_subscriptions"] = new JsonObject { ["!extra:example.org"] = new JsonObject { ["timeline_limit"] = 1 } },
        };

        await MatrixAssert.ErrorAsync(await alice.TrySlidingSyncAsync(oneMore, pos), HttpStatusCode.BadRequest,
            "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Invites_come_with_stripped_state_and_match_the_is_invite_filter()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        await alice.CreateRoomAsync();
        var room = await bob.CreateRoomAsync(new JsonObject { ["name"] = "Invitation" });
        await bob.InviteAsync(room, alice.UserId);

        var response = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9,
            filters: new JsonObject { ["is_invite"] = true }));

        Assert.Equal(1, response.GetProperty("lists").GetProperty("all").GetProperty("count").GetInt32());
        var entry = response.SlidingRoom(room);
        Assert.Equal("invite", entry.GetProperty("membership").GetString());
        Assert.Contains(entry.GetProperty("invite_state").EnumerateArray(),
            e => e.GetProperty("type").GetString() == "m.room.name");
        Assert.False(entry.TryGetProperty("timeline", out _));
    }

    [Fact]
    public async Task Filters_select_encrypted_rooms_dms_and_room_types()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var encrypted = await alice.CreateRoomAsync(new JsonObject
        {
            ["initial_state"] = new JsonArray(new JsonObject
            {
                ["type"] = "m.room.encryption", ["state_key"] = "",
                ["content"] = new JsonObject { ["algorithm"] = "m.megolm.v1.aes-sha2" },
            }),
        });
        var space = await alice.CreateRoomAsync(new JsonObject
        {
            ["creation_content"] = new JsonObject { ["type"] = "m.space" },
        });
        var dm = await alice.SharedRoomAsync(bob);
        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/user/{RoomSteps.Escape(alice.UserId)}/account_data/m.direct",
            new JsonObject { [bob.UserId] = new JsonArray(dm) }));

        async Task<List<string>> Rooms(JsonObject filters) =>
            (await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9, filters: filters))).RoomIds();

        Assert.Equal([encrypted], await Rooms(new JsonObject { ["is_encrypted"] = true }));
        Assert.Equal([space], await Rooms(new JsonObject { ["room_types"] = new JsonArray("m.space") }));
        Assert.DoesNotContain(space, await Rooms(new JsonObject { ["not_room_types"] = new JsonArray("m.space") }));
        Assert.Equal([dm], await Rooms(new JsonObject { ["is_dm"] = true }));
        var dmEntry = (await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9))).SlidingRoom(dm);
        Assert.True(dmEntry.GetProperty("is_dm").GetBoolean());
    }

    [Fact]
    public async Task The_space_filter_keeps_the_children_of_joined_spaces()
    {
        var alice = await Server.RegisterAsync();
        var space = await alice.CreateRoomAsync(new JsonObject
        {
            ["creation_content"] = new JsonObject { ["type"] = "m.space" },
        });
        var child = await alice.CreateRoomAsync();
        await alice.CreateRoomAsync();
        await alice.SetStateAsync(space, "m.space.child", child,
            new JsonObject { ["via"] = new JsonArray(alice.UserId[(alice.UserId.IndexOf(':', StringComparison.Ordinal) + 1)..]) });

        var response = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9,
            filters: new JsonObject { ["spaces"] = new JsonArray(space) }));

        Assert.Equal([child], response.RoomIds());
    }

    [Fact]
    public async Task The_stable_v4_path_serves_the_same_sync()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        var response = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9), path: "/_matrix/client/v4/sync");
        Assert.Equal([room], response.RoomIds());
    }

    [Theory]
    [InlineData("""{"lists": []}""", "M_BAD_JSON")]
    [InlineData("""{"lists": {"a": {"ranges": [[5, 1]], "timeline_limit": 1}}}""", "M_INVALID_PARAM")]
    [InlineData("""{"lists": {"a": {"required_state": [["m.room.name"]], "timeline_limit": 1}}}""", "M_BAD_JSON")]
    [InlineData("""{"room_subscriptions": {"!a:b": {"timeline_limit": -1}}}""", "M_BAD_JSON")]
    [InlineData("""{"extensions": {"to_device": {"enabled": true, "since": "x"}}}""", "M_INVALID_PARAM")]
    [InlineData("not json", "M_NOT_JSON")]
    [InlineData("{\"conn_id\": \"a\\u0001b\"}", "M_INVALID_PARAM")]
    public async Task Malformed_requests_are_rejected_with_400(string body, string errcode)
    {
        var alice = await Server.RegisterAsync();
        var response = await alice.Client.PostAsync(SlidingSyncSteps.Path,
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, errcode);
    }

    [Fact]
    public async Task Without_an_access_token_the_request_is_refused()
    {
        var response = await Server.Anonymous.PostAsJsonAsync(SlidingSyncSteps.Path, new JsonObject());
        await MatrixAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }
}
