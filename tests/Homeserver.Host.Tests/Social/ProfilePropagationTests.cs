using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Host.Tests.Sync;
using Homeserver.Services.Social;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Social;

/// <summary>Display name and avatar changes reach the user's member event in every joined room, in the background.</summary>
public sealed class ProfilePropagationTests
{
    [Fact]
    public async Task A_display_name_change_shows_in_the_member_events_of_three_rooms_and_in_another_users_sync()
    {
        await using var server = await LiveServer.StartAsync();
        var alice = await server.RegisterAsync();
        var bob = await server.RegisterAsync();
        var rooms = new[] { await bob.SharedRoomAsync(alice), await bob.SharedRoomAsync(alice), await bob.SharedRoomAsync(alice) };
        var left = await bob.SharedRoomAsync(alice);
        await alice.LeaveAsync(left);
        var since = (await bob.SyncAsync()).NextBatch();

        await PutProfileAsync(alice, "displayname", "Alice Liddell");

        var seen = await MemberEventsAsync(bob, since, alice.UserId, "Alice Liddell", rooms.Length);
        Assert.Equal(rooms.Order(StringComparer.Ordinal), seen.Keys.Order(StringComparer.Ordinal));
        foreach (var roomId in rooms)
        {
            var member = await bob.GetStateAsync(roomId, "m.room.member", alice.UserId);
            Assert.Equal("Alice Liddell", member.GetProperty("displayname").GetString());
            Assert.Equal("join", member.GetProperty("membership").GetString());
        }

        Assert.NotEqual("Alice Liddell", (await bob.GetStateAsync(left, "m.room.member", alice.UserId))
            .TryGetProperty("displayname", out var name) ? name.GetString() : null);
    }

    [Fact]
    public async Task The_new_content_keeps_the_member_events_other_fields_and_an_avatar_change_arrives_too()
    {
        await using var server = await LiveServer.StartAsync();
        var alice = await server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        await alice.SetStateAsync(roomId, "m.room.member", alice.UserId, new JsonObject
        {
            ["membership"] = "join", ["displayname"] = "Room nick", ["org.example.badge"] = "gold",
        });
        var since = (await alice.SyncAsync()).NextBatch();

        await PutProfileAsync(alice, "avatar_url", "mxc://localhost/newface");

        var member = (await MemberEventsAsync(alice, since, alice.UserId, null, 1))[roomId];
        Assert.Equal("mxc://localhost/newface", member.GetProperty("avatar_url").GetString());
        Assert.Equal("gold", member.GetProperty("org.example.badge").GetString());
        Assert.Equal("join", member.GetProperty("membership").GetString());
    }

    [Fact]
    public async Task A_room_that_refuses_the_new_member_event_is_skipped_and_the_others_still_get_it()
    {
        await using var server = await LiveServer.StartAsync();
        var alice = await server.RegisterAsync();
        var rooms = new List<string> { await alice.CreateRoomAsync(), await alice.CreateRoomAsync(), await alice.CreateRoomAsync() };
        rooms.Sort(StringComparer.Ordinal);
        // The middle room's member event is already close to the 64 KiB event limit: a long name cannot fit there.
        await alice.SetStateAsync(rooms[1], "m.room.member", alice.UserId, new JsonObject
        {
            ["membership"] = "join", ["org.example.padding"] = new string('x', 62_000),
        });
        var since = (await alice.SyncAsync()).NextBatch();
        var longName = new string('n', 4_000);

        await PutProfileAsync(alice, "displayname", longName);

        var seen = await MemberEventsAsync(alice, since, alice.UserId, longName, 2);
        Assert.Equal([rooms[0], rooms[2]], seen.Keys.Order(StringComparer.Ordinal));
        Assert.False((await alice.GetStateAsync(rooms[1], "m.room.member", alice.UserId))
            .TryGetProperty("displayname", out _));
    }

    [Fact]
    public async Task Rooms_beyond_the_burst_wait_for_the_pace()
    {
        var clock = new ManualClock();
        await using var server = await LiveServer.StartAsync(services: s =>
            s.AddSingleton(new ProfilePropagationOptions(Burst: 2, RoomsPerSecond: 0.5) { Clock = clock }));
        var alice = await server.RegisterAsync();
        var rooms = new List<string> { await alice.CreateRoomAsync(), await alice.CreateRoomAsync(), await alice.CreateRoomAsync() };
        rooms.Sort(StringComparer.Ordinal);
        var since = (await alice.SyncAsync()).NextBatch();

        await PutProfileAsync(alice, "displayname", "Paced");

        var wait = await clock.NextTimerAsync();
        Assert.Equal(TimeSpan.FromSeconds(2), wait);
        var firstTwo = await MemberEventsAsync(alice, since, alice.UserId, "Paced", 2);
        Assert.Equal(rooms.Take(2), firstTwo.Keys.Order(StringComparer.Ordinal));
        Assert.NotEqual("Paced", (await alice.GetStateAsync(rooms[2], "m.room.member", alice.UserId))
            .GetProperty("displayname").GetString());

        clock.Advance(wait);

        var last = await MemberEventsAsync(alice, since, alice.UserId, "Paced", 3);
        Assert.Contains(rooms[2], last.Keys);
    }

    private static async Task PutProfileAsync(TestSession session, string key, string value) =>
        await MatrixAssert.OkAsync(await session.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/profile/{RoomSteps.Escape(session.UserId)}/{key}", new JsonObject { [key] = value }));

    /// <summary>Syncs from <paramref name="since"/> (long-polling, no sleeps) until <paramref name="rooms"/> rooms'
    /// timelines carried a member event of <paramref name="userId"/> (with <paramref name="displayName"/> when
    /// given); returns each room's newest such content.</summary>
    private static async Task<Dictionary<string, JsonElement>> MemberEventsAsync(TestSession session, string since,
        string userId, string? displayName, int rooms)
    {
        var seen = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var from = since;
        while (seen.Count < rooms)
        {
            Assert.False(deadline.IsCancellationRequested, $"only {seen.Count} of {rooms} rooms got the member event");
            var sync = await session.SyncAsync(from, timeoutMs: 5_000);
            from = sync.NextBatch();
            if (!sync.GetProperty("rooms").TryGetProperty("join", out var joined))
            {
                continue;
            }

            foreach (var room in joined.EnumerateObject())
            {
                foreach (var e in room.Value.Timeline().EnumerateArray())
                {
                    if (e.GetProperty("type").GetString() == "m.room.member" &&
                        e.GetProperty("state_key").GetString() == userId &&
                        e.GetProperty("content").GetProperty("membership").GetString() == "join" &&
                        e.TryGetProperty("unsigned", out var unsigned) && unsigned.TryGetProperty("prev_content", out _) &&
                        (displayName is null || (e.GetProperty("content").TryGetProperty("displayname", out var name) &&
                                                 name.GetString() == displayName)))
                    {
                        seen[room.Name] = e.GetProperty("content").Clone();
                    }
                }
            }
        }

        return seen;
    }
}
