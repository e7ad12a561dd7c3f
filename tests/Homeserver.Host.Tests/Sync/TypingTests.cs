using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Sync;

/// <summary>PUT /rooms/{roomId}/typing/{userId} and the m.typing ephemeral event in /sync.</summary>
public sealed class TypingTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private static readonly TimeSpan WellBeforeTimeout = TimeSpan.FromSeconds(10);

    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Typing_shows_in_the_rooms_ephemeral_events_and_stops_when_told()
    {
        var (alice, bob, room) = await RoomWithTwoAsync(Server);
        var since = (await bob.SyncAsync()).NextBatch();

        await TypeAsync(alice, room, true);
        var typing = await bob.SyncAsync(since: since);
        await TypeAsync(alice, room, false);
        var stopped = await bob.SyncAsync(since: typing.NextBatch());

        Assert.Equal([alice.UserId], TypingUsers(typing, room));
        Assert.Empty(TypingUsers(stopped, room)!);
    }

    [Fact]
    public async Task Two_users_typing_at_once_are_both_listed_in_user_id_order()
    {
        var (alice, bob, room) = await RoomWithTwoAsync(Server);

        await TypeAsync(alice, room, true);
        await TypeAsync(bob, room, true);
        var sync = await bob.SyncAsync();

        Assert.Equal(new[] { alice.UserId, bob.UserId }.Order(StringComparer.Ordinal), TypingUsers(sync, room));
    }

    [Fact]
    public async Task Typing_wakes_a_long_polling_sync()
    {
        var (alice, bob, room) = await RoomWithTwoAsync(Server);
        var since = (await bob.SyncAsync()).NextBatch();
        var clock = Stopwatch.StartNew();
        var poll = await bob.LongPollAsync(since);
        Assert.False(poll.IsCompleted);

        await TypeAsync(alice, room, true);

        var sync = await poll;
        Assert.True(clock.Elapsed < WellBeforeTimeout, $"took {clock.Elapsed}");
        Assert.Equal([alice.UserId], TypingUsers(sync, room));
    }

    [Fact]
    public async Task Typing_ends_by_itself_when_its_timeout_passes()
    {
        var (alice, bob, room) = await RoomWithTwoAsync(Server);
        await TypeAsync(alice, room, true, timeoutMs: 500);
        var typing = await bob.SyncAsync();
        Assert.Equal([alice.UserId], TypingUsers(typing, room));

        var ended = await bob.SyncAsync(since: typing.NextBatch(), timeoutMs: 10_000);

        Assert.Empty(TypingUsers(ended, room)!);
    }

    [Fact]
    public async Task Only_a_joined_user_may_set_only_their_own_typing()
    {
        var (alice, bob, room) = await RoomWithTwoAsync(Server);
        var stranger = await Server.RegisterAsync();

        var forOther = await alice.Client.PutAsJsonAsync(TypingPath(room, bob.UserId), new JsonObject { ["typing"] = true });
        var outsider = await stranger.Client.PutAsJsonAsync(TypingPath(room, stranger.UserId), new JsonObject { ["typing"] = true });
        var noFlag = await alice.Client.PutAsJsonAsync(TypingPath(room, alice.UserId), new JsonObject());

        await MatrixAssert.ErrorAsync(forOther, HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(outsider, HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(noFlag, HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Fact]
    public async Task The_ephemeral_filter_can_leave_typing_out()
    {
        var (alice, bob, room) = await RoomWithTwoAsync(Server);
        await TypeAsync(alice, room, true);

        var sync = await bob.SyncAsync(filter: """{"room": {"ephemeral": {"not_types": ["m.typing"]}}}""");

        Assert.Empty(sync.Room("join", room)!.Value.GetProperty("ephemeral").GetProperty("events").EnumerateArray());
    }

    [Fact]
    public async Task A_token_from_before_newer_streams_still_works()
    {
        var (_, bob, room) = await RoomWithTwoAsync(Server);
        var parts = (await bob.SyncAsync()).NextBatch().Split('_');

        var sync = await bob.SyncAsync(since: parts[0] + "_" + parts[1]);

        Assert.Equal(7, sync.NextBatch().Split('_').Length); // events, account data, typing, receipts, to-device, presence, device lists
        Assert.Null(sync.Room("invite", room));
    }

    [Fact]
    public async Task Typing_on_one_server_reaches_a_sync_on_another_through_redis()
    {
        await using var servers = await TwoServers.SharingRedisAsync();
        var (alice, bob, room) = await servers.RoomAcrossAsync();
        var since = (await bob.SyncAsync()).NextBatch();
        var poll = await bob.LongPollAsync(since);

        await TypeAsync(alice, room, true);

        var sync = await poll.WaitAsync(WellBeforeTimeout);
        Assert.Equal([alice.UserId], TypingUsers(sync, room));
    }

    private static async Task<(TestSession Alice, TestSession Bob, string Room)> RoomWithTwoAsync(LiveServer server)
    {
        var alice = await server.RegisterAsync();
        var bob = await server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await bob.JoinAsync(room);
        return (alice, bob, room);
    }

    private static string TypingPath(string room, string userId) =>
        $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/typing/{RoomSteps.Escape(userId)}";

    private static async Task TypeAsync(TestSession session, string room, bool typing, int timeoutMs = 30_000) =>
        await MatrixAssert.OkAsync(await session.Client.PutAsJsonAsync(TypingPath(room, session.UserId),
            new JsonObject { ["typing"] = typing, ["timeout"] = timeoutMs }));

    /// <summary>The user IDs of the room's m.typing event in this sync, or null when it has none.</summary>
    private static List<string>? TypingUsers(JsonElement sync, string room)
    {
        var typing = sync.Room("join", room)?.GetProperty("ephemeral").GetProperty("events").EnumerateArray()
            .FirstOrDefault(e => e.GetProperty("type").GetString() == "m.typing");
        return typing is { ValueKind: JsonValueKind.Object } found
            ? found.GetProperty("content").GetProperty("user_ids").EnumerateArray().Select(u => u.GetString()!).ToList()
            : null;
    }
}
