using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;

namespace Homeserver.Host.Tests.Federation;

/// <summary>
/// Three of our servers sharing rooms through the whole federation path, as their users see it through the client API:
/// remote joins (through the room's creator and through another resident), messages both ways, invites, typing, kicks
/// and the room's server ACL.
/// </summary>
public sealed class ThreeServerRoomTests : IAsyncLifetime
{
    private FederationCluster _cluster = null!;
    private TestSession _alice = null!; // hs1
    private TestSession _bob = null!; // hs2
    private TestSession _carol = null!; // hs3

    public async Task InitializeAsync()
    {
        _cluster = await FederationCluster.StartAsync(3);
        _alice = await _cluster[0].RegisterAsync("alice");
        _bob = await _cluster[1].RegisterAsync("bob");
        _carol = await _cluster[2].RegisterAsync("carol");
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Users_of_three_servers_join_one_room_and_see_each_others_messages()
    {
        var roomId = await CreatePublicRoomAsync();
        await JoinAsync(1, _bob, roomId, "hs1.test");
        await JoinAsync(2, _carol, roomId, "hs2.test"); // through a resident that is not the room's creator
        await EveryServerSeesEveryoneJoinedAsync(roomId);

        var watchers = new[] { Watch(0, _alice), Watch(1, _bob), Watch(2, _carol) };
        var senders = new[] { (0, _alice), (1, _bob), (2, _carol) };
        foreach (var (index, session) in senders)
        {
            var text = $"hello from {session.UserId}";
            await SendAsync(index, session, roomId, text);
            foreach (var watcher in watchers)
            {
                var message = await watcher.MessageAsync(roomId, text);
                Assert.Equal(session.UserId, message.GetProperty("sender").GetString());
            }
        }
    }

    [Fact]
    public async Task An_invite_reaches_the_remote_invitee_who_joins_and_typing_crosses_servers()
    {
        var roomId = await CreatePublicRoomAsync(preset: "private_chat");
        var (status, body) = await _cluster[0].PostAsync($"/_matrix/client/v3/rooms/{roomId}/invite",
            new JsonObject { ["user_id"] = _bob.UserId }, _alice.AccessToken);
        Assert.True(status == HttpStatusCode.OK, body.ToString());

        var bob = Watch(1, _bob);
        var invite = await bob.RoomInAsync("invite", roomId);
        Assert.Contains(invite.GetProperty("invite_state").GetProperty("events").EnumerateArray(),
            e => e.GetProperty("type").GetString() == "m.room.member" &&
                 e.GetProperty("state_key").GetString() == _bob.UserId);

        await JoinAsync(1, _bob, roomId, null);
        await _cluster[0].SendAsync(HttpMethod.Put, $"/_matrix/client/v3/rooms/{roomId}/typing/{_alice.UserId}",
            new JsonObject { ["typing"] = true, ["timeout"] = 30_000 }, _alice.AccessToken);
        await bob.UntilAsync(sync => SyncWatcher.Room(sync, "join", roomId) is { } room &&
                                     room.GetProperty("ephemeral").GetProperty("events").EnumerateArray().Any(e =>
                                         e.GetProperty("type").GetString() == "m.typing" &&
                                         e.GetProperty("content").GetProperty("user_ids").EnumerateArray()
                                             .Any(u => u.GetString() == _alice.UserId))
            ? room
            : null, "alice typing");
    }

    [Fact]
    public async Task A_kicked_remote_user_sees_the_kick_and_a_denied_server_is_no_longer_heard()
    {
        var roomId = await CreatePublicRoomAsync();
        await JoinAsync(1, _bob, roomId, "hs1.test");
        await JoinAsync(2, _carol, roomId, "hs1.test");
        await EveryServerSeesEveryoneJoinedAsync(roomId);

        var (kicked, kickBody) = await _cluster[0].PostAsync($"/_matrix/client/v3/rooms/{roomId}/kick",
            new JsonObject { ["user_id"] = _carol.UserId, ["reason"] = "test" }, _alice.AccessToken);
        Assert.True(kicked == HttpStatusCode.OK, kickBody.ToString());
        await Watch(2, _carol).RoomInAsync("leave", roomId);

        await _cluster[0].SendAsync(HttpMethod.Put, $"/_matrix/client/v3/rooms/{roomId}/state/m.room.server_acl",
            new JsonObject { ["allow"] = new JsonArray("*"), ["deny"] = new JsonArray("hs2.test") }, _alice.AccessToken);
        var alice = Watch(0, _alice);
        await SendAsync(1, _bob, roomId, "from a denied server");
        await SendAsync(0, _alice, roomId, "after the acl");
        await alice.MessageAsync(roomId, "after the acl");
        var (_, messages) = await _cluster[0].GetAsync(
            $"/_matrix/client/v3/rooms/{roomId}/messages?dir=b&limit=50", _alice.AccessToken);
        Assert.DoesNotContain(messages.GetProperty("chunk").EnumerateArray(), e =>
            e.GetProperty("content").TryGetProperty("body", out var b) && b.GetString() == "from a denied server");
    }

    [Fact]
    public async Task A_user_of_a_server_joining_later_pages_back_into_history_from_before_the_join()
    {
        var roomId = await CreatePublicRoomAsync();
        for (var i = 0; i < 3; i++)
        {
            await SendAsync(0, _alice, roomId, $"before {i}");
        }

        await JoinAsync(1, _bob, roomId, "hs1.test");
        var bodies = new List<string>();
        string? from = null;
        for (var page = 0; page < 10 && !bodies.Contains("before 0"); page++)
        {
            var (status, messages) = await _cluster[1].GetAsync(
                $"/_matrix/client/v3/rooms/{roomId}/messages?dir=b&limit=5" + (from is null ? "" : "&from=" + from),
                _bob.AccessToken);
            Assert.True(status == HttpStatusCode.OK, messages.ToString());
            bodies.AddRange(messages.GetProperty("chunk").EnumerateArray()
                .Where(e => e.GetProperty("type").GetString() == "m.room.message")
                .Select(e => e.GetProperty("content").GetProperty("body").GetString()!));
            if (!messages.TryGetProperty("end", out var end))
            {
                break;
            }

            from = end.GetString();
        }

        Assert.Equal(["before 2", "before 1", "before 0"], bodies);
    }

    [Fact]
    public async Task Receipts_presence_a_leave_and_a_ban_cross_servers()
    {
        var roomId = await CreatePublicRoomAsync();
        await JoinAsync(1, _bob, roomId, "hs1.test");
        await JoinAsync(2, _carol, roomId, "hs1.test");
        await EveryServerSeesEveryoneJoinedAsync(roomId);
        var alice = Watch(0, _alice);
        var bob = Watch(1, _bob);

        await SendAsync(1, _bob, roomId, "read me");
        var message = await Watch(2, _carol).MessageAsync(roomId, "read me");
        var eventId = message.GetProperty("event_id").GetString()!;
        await _cluster[2].PostAsync($"/_matrix/client/v3/rooms/{roomId}/receipt/m.read/{eventId}", new JsonObject(),
            _carol.AccessToken);
        await alice.UntilAsync(sync => SyncWatcher.Room(sync, "join", roomId) is { } room &&
                                       room.GetProperty("ephemeral").GetProperty("events").EnumerateArray().Any(e =>
                                           e.GetProperty("type").GetString() == "m.receipt" &&
                                           e.GetProperty("content").TryGetProperty(eventId, out var byType) &&
                                           byType.GetProperty("m.read").TryGetProperty(_carol.UserId, out _))
            ? room
            : null, "carol's read receipt");

        await _cluster[0].SendAsync(HttpMethod.Put, $"/_matrix/client/v3/presence/{_alice.UserId}/status",
            new JsonObject { ["presence"] = "online", ["status_msg"] = "on stage" }, _alice.AccessToken);
        await bob.UntilAsync(sync => sync.TryGetProperty("presence", out var presence)
            ? presence.GetProperty("events").EnumerateArray().Where(e =>
                    e.GetProperty("sender").GetString() == _alice.UserId &&
                    e.GetProperty("content").TryGetProperty("status_msg", out var status) &&
                    status.GetString() == "on stage").Cast<System.Text.Json.JsonElement?>().FirstOrDefault()
            : null, "alice's presence");

        var (left, leftBody) = await _cluster[2].PostAsync($"/_matrix/client/v3/rooms/{roomId}/leave", new JsonObject(),
            _carol.AccessToken);
        Assert.True(left == HttpStatusCode.OK, leftBody.ToString());
        await alice.TimelineEventAsync(roomId, e => IsMembership(e, _carol.UserId, "leave"), "carol's leave");

        var (banned, banBody) = await _cluster[0].PostAsync($"/_matrix/client/v3/rooms/{roomId}/ban",
            new JsonObject { ["user_id"] = _bob.UserId }, _alice.AccessToken);
        Assert.True(banned == HttpStatusCode.OK, banBody.ToString());
        await bob.RoomInAsync("leave", roomId);
        var (refused, _) = await _cluster[1].SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{roomId}/send/m.room.message/after-ban",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "still here?" }, _bob.AccessToken);
        Assert.Equal(HttpStatusCode.Forbidden, refused);
    }

    private static bool IsMembership(System.Text.Json.JsonElement e, string userId, string membership) =>
        e.GetProperty("type").GetString() == "m.room.member" && e.GetProperty("state_key").GetString() == userId &&
        e.GetProperty("content").GetProperty("membership").GetString() == membership;

    private SyncWatcher Watch(int server, TestSession session) => new(_cluster[server], session);

    private async Task<string> CreatePublicRoomAsync(string preset = "public_chat")
    {
        var (status, created) = await _cluster[0].PostAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["preset"] = preset }, _alice.AccessToken);
        Assert.True(status == HttpStatusCode.OK, created.ToString());
        return created.GetProperty("room_id").GetString()!;
    }

    /// <summary>Waits until each server has every user's join: a server sends an event only to the servers it knows
    /// are in the room, so one that has not yet heard of carol's join (made through hs1) would not send to hs3.</summary>
    private async Task EveryServerSeesEveryoneJoinedAsync(string roomId)
    {
        var sessions = new[] { _alice, _bob, _carol };
        for (var server = 0; server < sessions.Length; server++)
        {
            var (index, session) = (server, sessions[server]);
            await Eventually.HoldsAsync(async () =>
            {
                var (status, body) = await _cluster[index].GetAsync(
                    $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/joined_members", session.AccessToken);
                return status == HttpStatusCode.OK &&
                       sessions.All(s => body.GetProperty("joined").TryGetProperty(s.UserId, out _));
            }, $"{FederationCluster.NameOf(index)} sees all three joined", TimeSpan.FromSeconds(90));
        }
    }

    private async Task JoinAsync(int server, TestSession session, string roomId, string? via)
    {
        var path = $"/_matrix/client/v3/join/{Uri.EscapeDataString(roomId)}" +
                   (via is null ? "" : "?server_name=" + via);
        var (status, body) = await _cluster[server].PostAsync(path, new JsonObject(), session.AccessToken);
        Assert.True(status == HttpStatusCode.OK, $"{session.UserId} could not join: {status} {body}");
        await Watch(server, session).RoomInAsync("join", roomId);
    }

    private async Task SendAsync(int server, TestSession session, string roomId, string text)
    {
        var (status, body) = await _cluster[server].SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{roomId}/send/m.room.message/{Guid.NewGuid():N}",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = text }, session.AccessToken);
        Assert.True(status == HttpStatusCode.OK, $"{session.UserId} could not send: {status} {body}");
    }
}
