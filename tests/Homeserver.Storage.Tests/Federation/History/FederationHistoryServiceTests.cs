using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Federation;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Rooms.Input;
using static Homeserver.Storage.Tests.Federation.History.HistoryRoom;
using static Homeserver.Storage.Tests.Rooms.InputRoom;

namespace Homeserver.Storage.Tests.Federation.History;

/// <summary>The serving side of /event, /state(_ids), /event_auth, /get_missing_events, /backfill and
/// /timestamp_to_event over the real store.</summary>
public sealed class FederationHistoryServiceTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Get_missing_events_walks_back_from_latest_to_earliest_and_serves_oldest_first()
    {
        await using var room = await JoinedRoomAsync();
        var chain = new List<Pdu>();
        for (var i = 0; i < 6; i++)
        {
            chain.Add(await room.MessageAsync($"m{i}"));
        }

        var all = await room.Backfill.GetMissingEventsAsync(Remote, room.RoomId, [chain[0].EventId],
            [chain[5].EventId], 10, 0, None);
        var limited = await room.Backfill.GetMissingEventsAsync(Remote, room.RoomId, [chain[0].EventId],
            [chain[5].EventId], 2, 0, None);
        var aboveDepth = await room.Backfill.GetMissingEventsAsync(Remote, room.RoomId, [],
            [chain[5].EventId], 10, chain[3].Depth, None);

        Assert.Equal(chain[1..5].Select(e => e.EventId), EventIdsOf(all["events"]));
        Assert.Equal(chain[3..5].Select(e => e.EventId), EventIdsOf(limited["events"]));
        Assert.Equal(chain[3..5].Select(e => e.EventId), EventIdsOf(aboveDepth["events"]));
    }

    [Fact]
    public async Task Get_missing_events_gives_at_most_20_events_whatever_the_limit_asked()
    {
        await using var room = await JoinedRoomAsync();
        Pdu last = null!;
        for (var i = 0; i < 25; i++)
        {
            last = await room.MessageAsync($"m{i}");
        }

        var answer = await room.Backfill.GetMissingEventsAsync(Remote, room.RoomId, [], [last.EventId], 1000, 0, None);

        Assert.Equal(20, answer["events"]!.AsArray().Count);
    }

    [Fact]
    public async Task Backfill_serves_the_given_events_and_their_ancestors_newest_first_across_branches()
    {
        await using var room = await JoinedRoomAsync();
        var parent = await room.MessageAsync("parent");
        var head = await room.Room.HeadAsync();
        var a = room.Room.Remote(Bob, "m.room.message", null, new JsonObject { ["body"] = "a" },
            head.ForwardExtremities, head.State, 200_001);
        var b = room.Room.Remote(Bob, "m.room.message", null, new JsonObject { ["body"] = "b" },
            head.ForwardExtremities, head.State, 200_002);
        Assert.Equal(InputStatus.Accepted, (await room.Room.InputAsync(a)).Status);
        Assert.Equal(InputStatus.Accepted, (await room.Room.InputAsync(b)).Status);
        var merge = await room.MessageAsync("merge"); // on both branches

        var answer = await room.Backfill.BackfillAsync(Remote, room.RoomId, [merge.EventId], 4, None);
        var ids = EventIdsOf(answer["pdus"]);

        Assert.Equal("test.local", answer["origin"]!.GetValue<string>());
        Assert.Equal(merge.EventId, ids[0]);
        // a and b share a depth: the one appended later (greater stream position) first, then their parent.
        Assert.Equal([b.EventId, a.EventId], ids.Skip(1).Take(2));
        Assert.Equal(parent.EventId, ids[3]);
        Assert.Equal(4, ids.Count);
    }

    [Fact]
    public async Task State_ids_are_the_state_before_the_event_with_the_auth_chain_of_that_state()
    {
        await using var room = await JoinedRoomAsync();
        var first = await room.LocalAsync("m.room.topic", "", new JsonObject { ["topic"] = "one" });
        var second = await room.LocalAsync("m.room.topic", "", new JsonObject { ["topic"] = "two" });

        var ids = await room.Events.GetStateAsync(Remote, room.RoomId, EventId.Parse(second.EventId), true, None);
        var full = await room.Events.GetStateAsync(Remote, room.RoomId, EventId.Parse(second.EventId), false, None);

        var current = await room.Room.CurrentStateAsync();
        var expected = current.Where(e => e.Value != second.EventId).Select(e => e.Value).Append(first.EventId)
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, Ids(ids["pdu_ids"]).Order(StringComparer.Ordinal));
        Assert.Equal(await AuthChainAsync(room, Ids(ids["pdu_ids"])), Ids(ids["auth_chain_ids"]).ToHashSet());
        Assert.Equal(Ids(ids["pdu_ids"]), EventIdsOf(full["pdus"]));
        Assert.Equal(Ids(ids["auth_chain_ids"]), EventIdsOf(full["auth_chain"]));
    }

    [Fact]
    public async Task Event_auth_is_the_whole_auth_chain_of_the_event()
    {
        await using var room = await JoinedRoomAsync();
        var (message, _) = await room.RemoteAsync(Bob, "m.room.message", null, new JsonObject { ["body"] = "hi" });

        var answer = await room.Events.GetEventAuthAsync(Remote, room.RoomId, EventId.Parse(message.EventId), None);

        var expected = await AuthChainAsync(room, message.AuthEvents);
        expected.UnionWith(message.AuthEvents);
        var served = EventIdsOf(answer["auth_chain"]);
        Assert.Equal(expected, served.ToHashSet());
        Assert.Equal(served.Count, expected.Count);
    }

    [Fact]
    public async Task A_single_event_is_served_in_a_transaction_and_a_rejected_one_is_not_found()
    {
        await using var room = await JoinedRoomAsync();
        var message = await room.MessageAsync("hello");
        // Eve never joined: her event is rejected.
        var (rejected, status) = await room.RemoteAsync(Eve, "m.room.message", null, new JsonObject { ["body"] = "x" });
        Assert.Equal(InputStatus.Rejected, status);

        var answer = await room.Events.GetEventAsync(Remote, EventId.Parse(message.EventId), None);

        Assert.Equal([message.EventId], EventIdsOf(answer["pdus"]));
        Assert.Equal(room.Clock.GetUtcNow().ToUnixTimeMilliseconds(), answer["origin_server_ts"]!.GetValue<long>());
        Assert.Equal(ErrorCode.NotFound, (await RefusedAsync(() =>
            room.Events.GetEventAsync(Remote, EventId.Parse(rejected.EventId), None))).Code);
        Assert.Equal(ErrorCode.NotFound, (await RefusedAsync(() => room.Events.GetStateAsync(Remote, room.RoomId,
            EventId.Parse(rejected.EventId), true, None))).Code);
    }

    [Fact]
    public async Task A_soft_failed_event_is_served_by_its_id()
    {
        await using var room = await JoinedRoomAsync();
        await room.MembershipAsync(Eve, Memberships.Join);
        var beforeBan = await room.Room.HeadAsync();
        await room.LocalAsync(EventTypes.Member, Bob, new JsonObject { ["membership"] = "ban" });
        var late = room.Room.Remote(Bob, "m.room.message", null, new JsonObject { ["body"] = "late" },
            beforeBan.ForwardExtremities, beforeBan.State, 300_000);
        Assert.Equal(InputStatus.SoftFailed, (await room.Room.InputAsync(late)).Status);

        var answer = await room.Events.GetEventAsync(Remote, EventId.Parse(late.EventId), None);

        Assert.Equal([late.EventId], EventIdsOf(answer["pdus"]));
    }

    [Fact]
    public async Task A_server_without_a_joined_user_is_forbidden_and_an_unknown_room_not_found()
    {
        await using var room = await JoinedRoomAsync();
        var message = await room.MessageAsync("hello");
        var eventId = EventId.Parse(message.EventId);

        foreach (var request in Requests(room, Stranger, room.RoomId, eventId))
        {
            Assert.Equal(ErrorCode.Forbidden, (await RefusedAsync(request)).Code);
        }

        var unknown = RoomId.Parse("!unknown:test.local");
        foreach (var request in Requests(room, Remote, unknown, eventId).Skip(1))
        {
            Assert.Equal(ErrorCode.NotFound, (await RefusedAsync(request)).Code);
        }

        await room.MembershipAsync(Bob, Memberships.Leave);
        Assert.Equal(ErrorCode.Forbidden, (await RefusedAsync(() => room.Events.GetEventAsync(Remote, eventId, None))).Code);
    }

    [Fact]
    public async Task A_server_denied_by_the_room_acl_is_forbidden_though_joined()
    {
        await using var room = await JoinedRoomAsync();
        var message = await room.MessageAsync("hello");
        await room.Events.GetEventAsync(Remote, EventId.Parse(message.EventId), None);
        await room.LocalAsync(ServerAcl.EventType, "", new JsonObject
        {
            ["allow"] = new JsonArray("*"), ["deny"] = new JsonArray("remote.test"), ["allow_ip_literals"] = false,
        });

        foreach (var request in Requests(room, Remote, room.RoomId, EventId.Parse(message.EventId)))
        {
            Assert.Equal(ErrorCode.Forbidden, (await RefusedAsync(request)).Code);
        }
    }

    [Fact]
    public async Task Timestamp_to_event_finds_the_nearest_event_in_either_direction()
    {
        await using var room = await JoinedRoomAsync();
        var (early, _) = await room.RemoteAsync(Bob, "m.room.message", null, new JsonObject { ["body"] = "1" }, 500_000);
        var (late, _) = await room.RemoteAsync(Bob, "m.room.message", null, new JsonObject { ["body"] = "2" }, 600_000);

        var forwards = await room.Backfill.TimestampToEventAsync(Remote, room.RoomId, 550_000, true, None);
        var backwards = await room.Backfill.TimestampToEventAsync(Remote, room.RoomId, 550_000, false, None);

        Assert.Equal(late.EventId, forwards["event_id"]!.GetValue<string>());
        Assert.Equal(600_000, forwards["origin_server_ts"]!.GetValue<long>());
        Assert.Equal(early.EventId, backwards["event_id"]!.GetValue<string>());
        Assert.Equal(ErrorCode.NotFound, (await RefusedAsync(() =>
            room.Backfill.TimestampToEventAsync(Remote, room.RoomId, 4_102_444_800_000, true, None))).Code);
    }

    private static async Task<HistoryRoom> JoinedRoomAsync()
    {
        var room = await HistoryRoom.CreateAsync();
        await room.MembershipAsync(Bob, Memberships.Join);
        return room;
    }

    /// <summary>Every history request of <paramref name="server"/> about the room (the first names no room).</summary>
    private static IEnumerable<Func<Task>> Requests(HistoryRoom room, ServerName server, RoomId roomId,
        EventId eventId) =>
    [
        () => room.Events.GetEventAsync(server, eventId, None),
        () => room.Events.GetStateAsync(server, roomId, eventId, true, None),
        () => room.Events.GetStateAsync(server, roomId, eventId, false, None),
        () => room.Events.GetEventAuthAsync(server, roomId, eventId, None),
        () => room.Backfill.GetMissingEventsAsync(server, roomId, [], [eventId.Value], 10, 0, None),
        () => room.Backfill.BackfillAsync(server, roomId, [eventId.Value], 10, None),
        () => room.Backfill.TimestampToEventAsync(server, roomId, 0, true, None),
    ];

    /// <summary>The auth chain of the events, read from the PDUs' auth_events (not from the store's table).</summary>
    private static async Task<HashSet<string>> AuthChainAsync(HistoryRoom room, IEnumerable<string> eventIds)
    {
        var chain = new HashSet<string>(StringComparer.Ordinal);
        var front = (await room.Room.Reader.GetEventsAsync(eventIds.ToList(), None)).Select(e => e.Pdu).ToList();
        while (front.Count > 0)
        {
            var next = front.SelectMany(p => p.AuthEvents).Where(chain.Add).ToList();
            front = (await room.Room.Reader.GetEventsAsync(next, None)).Select(e => e.Pdu).ToList();
        }

        return chain;
    }
}
