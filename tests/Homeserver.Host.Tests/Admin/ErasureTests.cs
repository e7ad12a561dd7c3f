using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Host.Tests.Sync;

namespace Homeserver.Host.Tests.Admin;

/// <summary>
/// Deactivation with <c>erase: true</c> (client and admin API), as Synapse documents it: the user is marked erased,
/// their profile is cleared, and their events are served pruned to users who were not joined when they were sent,
/// on every read path, while members of the time still see them whole.
/// </summary>
public sealed class ErasureTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task An_erased_users_message_is_pruned_for_a_later_joiner_and_whole_for_a_member_of_the_time()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await bob.SharedRoomAsync(alice);
        var word = "zebra" + Guid.NewGuid().ToString("N")[..8];
        var secret = await alice.SendTextAsync(room, $"my {word} secret");

        await DeactivateAsync(alice, erase: true);
        var carol = await Server.RegisterAsync();
        await carol.JoinAsync(room);

        // The later joiner: /event, /messages, /context, /sync and /search all give the pruned form (or no hit).
        var pruned = await carol.GetEventAsync(room, secret);
        Assert.Equal("{}", pruned.GetProperty("content").GetRawText());
        Assert.Equal(alice.UserId, pruned.GetProperty("sender").GetString());
        Assert.Equal("{}", Find(await MessagesAsync(carol, room), secret).GetProperty("content").GetRawText());
        var context = await carol.GetJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/context/{RoomSteps.Escape(secret)}");
        Assert.Equal("{}", context.GetProperty("event").GetProperty("content").GetRawText());
        var sync = await carol.GetJsonAsync("/_matrix/client/v3/sync?timeout=0&filter=" +
                                            RoomSteps.Escape("""{"room":{"timeline":{"limit":50}}}"""));
        var timeline = sync.GetProperty("rooms").GetProperty("join").GetProperty(room).Timeline();
        Assert.Equal("{}", Find(timeline, secret).GetProperty("content").GetRawText());
        Assert.Equal(0, await SearchCountAsync(carol, word));

        // A member of the time still sees it whole.
        Assert.Equal($"my {word} secret", (await bob.GetEventAsync(room, secret)).GetProperty("content")
            .GetProperty("body").GetString());
        Assert.Equal($"my {word} secret", Find(await MessagesAsync(bob, room), secret).GetProperty("content")
            .GetProperty("body").GetString());
        Assert.Equal(1, await SearchCountAsync(bob, word));
    }

    [Fact]
    public async Task Without_erase_a_deactivated_users_messages_stay_whole_for_later_joiners()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await bob.SharedRoomAsync(alice);
        var message = await alice.SendTextAsync(room, "kept");

        await DeactivateAsync(alice, erase: false);
        var carol = await Server.RegisterAsync();
        await carol.JoinAsync(room);

        Assert.Equal("kept", (await carol.GetEventAsync(room, message)).GetProperty("content").GetProperty("body")
            .GetString());
        Assert.False((await AdminQueryAsync(alice.UserId)).GetProperty("erased").GetBoolean());
    }

    [Fact]
    public async Task Client_deactivation_with_erase_marks_the_user_erased_and_clears_the_display_name_in_rooms()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await bob.SharedRoomAsync(alice);
        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/profile/{RoomSteps.Escape(alice.UserId)}/displayname",
            new JsonObject { ["displayname"] = "Alice Erased" }));
        await WaitForMemberAsync(bob, room, alice.UserId, content => Name(content) == "Alice Erased");

        await DeactivateAsync(alice, erase: true);

        var user = await AdminQueryAsync(alice.UserId);
        Assert.True(user.GetProperty("erased").GetBoolean());
        Assert.True(user.GetProperty("deactivated").GetBoolean());
        Assert.Equal(JsonValueKind.Null, user.GetProperty("displayname").ValueKind);
        await WaitForMemberAsync(bob, room, alice.UserId, content => Name(content) is null);
        Assert.Null(Name(await bob.GetStateAsync(room, "m.room.member", alice.UserId)));
    }

    [Fact]
    public async Task Admin_deactivation_with_erase_marks_the_user_erased()
    {
        var admin = await Server.RegisterAdminAsync();
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await bob.SharedRoomAsync(alice);
        var message = await alice.SendTextAsync(room, "gone soon");

        await MatrixAssert.OkAsync(await admin.Client.PostAsJsonAsync(
            $"/_synapse/admin/v1/deactivate/{RoomSteps.Escape(alice.UserId)}", new JsonObject { ["erase"] = true }));
        var carol = await Server.RegisterAsync();
        await carol.JoinAsync(room);

        Assert.True((await AdminQueryAsync(alice.UserId)).GetProperty("erased").GetBoolean());
        Assert.Equal("{}", (await carol.GetEventAsync(room, message)).GetProperty("content").GetRawText());
        Assert.Equal("gone soon", (await bob.GetEventAsync(room, message)).GetProperty("content").GetProperty("body")
            .GetString());
    }

    private static async Task DeactivateAsync(TestSession session, bool erase) =>
        await MatrixAssert.OkAsync(await session.Client.PostAsJsonAsync("/_matrix/client/v3/account/deactivate",
            new JsonObject
            {
                ["erase"] = erase,
                ["auth"] = new JsonObject
                {
                    ["type"] = "m.login.password",
                    ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = session.UserId },
                    ["password"] = LiveServer.Password,
                },
            }));

    private async Task<JsonElement> AdminQueryAsync(string userId)
    {
        var admin = await Server.RegisterAdminAsync();
        return await admin.GetJsonAsync($"/_synapse/admin/v2/users/{RoomSteps.Escape(userId)}");
    }

    // Read without the spec schema check: a pruned m.room.message has no body and, like Synapse's, no redacted_because.
    private static async Task<JsonElement> MessagesAsync(TestSession session, string room) =>
        (await session.GetJsonAsync($"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/messages?dir=b&limit=100"))
        .GetProperty("chunk");

    private static JsonElement Find(JsonElement events, string eventId) =>
        events.EnumerateArray().Single(e => e.GetProperty("event_id").GetString() == eventId);

    private static async Task<int> SearchCountAsync(TestSession session, string term)
    {
        var body = await MatrixAssert.OkAsync(await session.Client.PostAsJsonAsync("/_matrix/client/v3/search",
            new JsonObject
            {
                ["search_categories"] = new JsonObject
                {
                    ["room_events"] = new JsonObject { ["search_term"] = term },
                },
            }));
        return body.GetProperty("search_categories").GetProperty("room_events").GetProperty("results").GetArrayLength();
    }

    private static string? Name(JsonElement content) =>
        content.TryGetProperty("displayname", out var name) && name.ValueKind == JsonValueKind.String
            ? name.GetString()
            : null;

    /// <summary>Long-polls <paramref name="session"/>'s /sync (no sleeps) until the room's member event of
    /// <paramref name="userId"/> has content matching <paramref name="matches"/>.</summary>
    private static async Task WaitForMemberAsync(TestSession session, string room, string userId,
        Func<JsonElement, bool> matches)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? since = null;
        while (true)
        {
            Assert.False(deadline.IsCancellationRequested, $"the member event of {userId} never matched");
            var sync = await session.SyncAsync(since, timeoutMs: since is null ? 0 : 5_000);
            since = sync.NextBatch();
            if (sync.Room("join", room) is not { } joined)
            {
                continue;
            }

            // State comes before the timeline: the last match is the newest.
            var members = joined.GetProperty("state").GetProperty("events").EnumerateArray()
                .Concat(joined.Timeline().EnumerateArray())
                .Where(e => e.GetProperty("type").GetString() == "m.room.member" &&
                            e.GetProperty("state_key").GetString() == userId)
                .ToList();
            if (members.Count > 0 && matches(members[^1].GetProperty("content")))
            {
                return;
            }
        }
    }
}
