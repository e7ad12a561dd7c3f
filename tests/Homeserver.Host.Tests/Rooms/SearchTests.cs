using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using static Homeserver.Host.Tests.Support.RoomSteps;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>POST /search, room_events: Postgres full-text search in the user's joined rooms.</summary>
public sealed class SearchTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    private static async Task<JsonElement> SearchAsync(TestSession session, JsonObject roomEvents, string? nextBatch = null)
    {
        var path = "/_matrix/client/v3/search" + (nextBatch is null ? "" : "?next_batch=" + Uri.EscapeDataString(nextBatch));
        var request = new JsonObject { ["search_categories"] = new JsonObject { ["room_events"] = roomEvents.DeepClone() } };
        var response = await session.Client.PostAsJsonAsync(path, request);
        await MatrixAssert.OkAsync(response);
        var body = await SpecSchema.AssertValidAsync(response, request);
        return body.GetProperty("search_categories").GetProperty("room_events");
    }

    private static List<string> ResultIds(JsonElement roomEvents) =>
        roomEvents.GetProperty("results").EnumerateArray()
            .Select(r => r.GetProperty("result").GetProperty("event_id").GetString()!).ToList();

    private static string Word() => "w" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Only_rooms_the_user_is_joined_to_are_searched_and_stemmed_words_match()
    {
        var alice = await Server.RegisterAsync();
        var eve = await Server.RegisterAsync();
        var word = Word();
        var aliceRoom = await alice.CreateRoomAsync();
        var leftRoom = await alice.CreateRoomAsync();
        var evesRoom = await eve.CreateRoomAsync();
        var found = await alice.SendTextAsync(aliceRoom, $"I like {word} and bananas");
        await alice.SendTextAsync(leftRoom, $"{word} bananas in a room I left");
        await MatrixAssert.OkAsync(await alice.Client.PostAsJsonAsync($"/_matrix/client/v3/rooms/{Escape(leftRoom)}/leave", new JsonObject()));
        await eve.SendTextAsync(evesRoom, $"{word} bananas elsewhere");

        var results = await SearchAsync(alice, new JsonObject { ["search_term"] = $"{word} banana" });

        Assert.Equal([found], ResultIds(results));
        Assert.Equal(1, results.GetProperty("count").GetInt32());
        Assert.Contains(word, results.GetProperty("highlights").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal(aliceRoom, results.GetProperty("results")[0].GetProperty("result").GetProperty("room_id").GetString());
    }

    [Fact]
    public async Task Messages_hidden_by_history_visibility_are_not_found()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var word = Word();
        var roomId = await alice.CreateRoomWithVisibilityAsync("joined");
        await alice.SendTextAsync(roomId, $"{word} said before bob joined");
        await bob.JoinAsync(roomId);
        var after = await alice.SendTextAsync(roomId, $"{word} said after bob joined");

        var results = await SearchAsync(bob, new JsonObject { ["search_term"] = word, ["order_by"] = "recent" });

        Assert.Equal([after], ResultIds(results));
    }

    [Fact]
    public async Task Keys_choose_which_content_fields_are_searched()
    {
        var alice = await Server.RegisterAsync();
        var word = Word();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["name"] = $"{word} room", ["topic"] = "topical" });
        var message = await alice.SendTextAsync(roomId, $"{word} in a message");

        var all = await SearchAsync(alice, new JsonObject { ["search_term"] = word });
        var bodies = await SearchAsync(alice, new JsonObject { ["search_term"] = word, ["keys"] = new JsonArray("content.body") });
        var names = await SearchAsync(alice, new JsonObject { ["search_term"] = word, ["keys"] = new JsonArray("content.name") });

        Assert.Equal(2, ResultIds(all).Count);
        Assert.Equal([message], ResultIds(bodies));
        Assert.Equal("m.room.name", names.GetProperty("results")[0].GetProperty("result").GetProperty("type").GetString());
        Assert.Single(ResultIds(names));
    }

    [Fact]
    public async Task Order_by_recent_gives_newest_first_and_next_batch_continues()
    {
        var alice = await Server.RegisterAsync();
        var word = Word();
        var roomId = await alice.CreateRoomAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await alice.SendTextAsync(roomId, $"{word} number {i}"));
        }

        var criteria = new JsonObject
        {
            ["search_term"] = word, ["order_by"] = "recent", ["filter"] = new JsonObject { ["limit"] = 2 },
        };
        var first = await SearchAsync(alice, criteria);
        var second = await SearchAsync(alice, criteria, first.GetProperty("next_batch").GetString());

        Assert.Equal([ids[2], ids[1]], ResultIds(first));
        Assert.Equal([ids[0]], ResultIds(second));
        Assert.False(second.TryGetProperty("next_batch", out _));
    }

    [Fact]
    public async Task Order_by_rank_puts_the_better_match_first_and_pages_by_rank()
    {
        var alice = await Server.RegisterAsync();
        var word = Word();
        var roomId = await alice.CreateRoomAsync();
        var strong = await alice.SendTextAsync(roomId, $"{word} {word} {word}");
        var weak = await alice.SendTextAsync(roomId, $"{word} with many other words that dilute the match a lot");

        var criteria = new JsonObject
        {
            ["search_term"] = word, ["order_by"] = "rank", ["filter"] = new JsonObject { ["limit"] = 1 },
        };
        var first = await SearchAsync(alice, criteria);
        var second = await SearchAsync(alice, criteria, first.GetProperty("next_batch").GetString());

        Assert.Equal([strong], ResultIds(first));
        Assert.Equal([weak], ResultIds(second));
        Assert.Equal(2, first.GetProperty("count").GetInt32());
        Assert.True(first.GetProperty("results")[0].GetProperty("rank").GetDouble() >=
                    second.GetProperty("results")[0].GetProperty("rank").GetDouble());
    }

    [Fact]
    public async Task Filter_rooms_and_not_rooms_narrow_the_search()
    {
        var alice = await Server.RegisterAsync();
        var word = Word();
        var one = await alice.CreateRoomAsync();
        var two = await alice.CreateRoomAsync();
        var inOne = await alice.SendTextAsync(one, word);
        var inTwo = await alice.SendTextAsync(two, word);

        var onlyOne = await SearchAsync(alice, new JsonObject
        {
            ["search_term"] = word, ["filter"] = new JsonObject { ["rooms"] = new JsonArray(one) },
        });
        var notOne = await SearchAsync(alice, new JsonObject
        {
            ["search_term"] = word, ["filter"] = new JsonObject { ["not_rooms"] = new JsonArray(one) },
        });

        Assert.Equal([inOne], ResultIds(onlyOne));
        Assert.Equal([inTwo], ResultIds(notOne));
    }

    [Fact]
    public async Task Event_context_gives_the_requested_events_around_each_result_with_profiles()
    {
        var alice = await Server.RegisterAsync();
        var word = Word();
        var roomId = await alice.CreateRoomAsync();
        await alice.SendTextAsync(roomId, "before 1");
        var justBefore = await alice.SendTextAsync(roomId, "before 2");
        var hit = await alice.SendTextAsync(roomId, word);
        var after1 = await alice.SendTextAsync(roomId, "after 1");
        var after2 = await alice.SendTextAsync(roomId, "after 2");
        await alice.SendTextAsync(roomId, "after 3");

        var results = await SearchAsync(alice, new JsonObject
        {
            ["search_term"] = word,
            ["event_context"] = new JsonObject { ["before_limit"] = 1, ["after_limit"] = 2, ["include_profile"] = true },
        });
        var context = results.GetProperty("results")[0].GetProperty("context");

        Assert.Equal(hit, ResultIds(results).Single());
        Assert.Equal([justBefore], context.GetProperty("events_before").EventIds());
        Assert.Equal([after1, after2], context.GetProperty("events_after").EventIds());
        Assert.True(context.GetProperty("profile_info").TryGetProperty(alice.UserId, out _));
        Assert.StartsWith("s", context.GetProperty("start").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redacted_events_are_not_found()
    {
        var alice = await Server.RegisterAsync();
        var word = Word();
        var roomId = await alice.CreateRoomAsync();
        var redacted = await alice.SendTextAsync(roomId, word);
        await alice.RedactAsync(roomId, redacted);

        var results = await SearchAsync(alice, new JsonObject { ["search_term"] = word });

        Assert.Empty(ResultIds(results));
        Assert.Equal(0, results.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Bad_criteria_are_rejected()
    {
        var alice = await Server.RegisterAsync();
        Task<HttpResponseMessage> Post(JsonObject roomEvents) => alice.Client.PostAsJsonAsync("/_matrix/client/v3/search",
            new JsonObject { ["search_categories"] = new JsonObject { ["room_events"] = roomEvents } });

        await MatrixAssert.ErrorAsync(await Post(new JsonObject()), HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await Post(new JsonObject { ["search_term"] = "x", ["order_by"] = "best" }),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await Post(new JsonObject { ["search_term"] = "x", ["keys"] = new JsonArray("content.url") }),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await alice.Client.PostAsJsonAsync("/_matrix/client/v3/search", new JsonObject()),
            HttpStatusCode.BadRequest, "M_BAD_JSON");
    }
}
