using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Events;
using Homeserver.Storage.Tests.Rooms;

namespace Homeserver.Storage.Tests.Federation;

/// <summary>
/// A received PDU whose prev events we do not have: the gap is filled from the origin (server-server API,
/// "Backfilling and retrieving missing events", "Room State") with <c>/get_missing_events</c>, else with the state
/// before the PDU (<c>/state_ids</c> then <c>/event</c>, or <c>/state</c>), each fetched event verified.
/// </summary>
public sealed class MissingEventsFetchTests
{
    private static readonly TypeAndStateKey Topic = new("m.room.topic", "");

    [Fact]
    public async Task A_gap_is_filled_with_get_missing_events_from_our_extremities_oldest_first()
    {
        await using var harness = await ReceiverHarness.StartAsync();
        var extremities = (await harness.Room.HeadAsync()).ForwardExtremities.Select(e => e.EventId).ToList();
        var (e1, e2, e3) = await ChainAsync(harness);
        JsonObject? asked = null;
        harness.Remote.MissingEvents = body =>
        {
            asked = body;
            return [e2, e1];
        };

        var answer = (await harness.SendAsync("t1", e3))["pdus"]!;

        Assert.Empty(answer[e3.EventId]!.AsObject());
        Assert.Equal(extremities, asked!["earliest_events"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal([e3.EventId], asked["latest_events"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(10, asked["limit"]!.GetValue<int>());
        foreach (var pdu in new[] { e1, e2, e3 })
        {
            Assert.NotNull((await harness.Room.RowAsync(pdu.EventId)).StreamOrdering);
        }

        Assert.Equal([e3.EventId], await harness.Room.ExtremitiesAsync());
        Assert.Equal(0, harness.Remote.Count("/state_ids/"));
    }

    [Fact]
    public async Task A_gap_left_by_get_missing_events_is_filled_with_the_state_ids_before_the_event()
    {
        await using var harness = await ReceiverHarness.StartAsync();
        var (topic, _, last, stateBefore) = await StateChainAsync(harness);

        var answer = (await harness.SendAsync("t1", last))["pdus"]!;

        Assert.Empty(answer[last.EventId]!.AsObject());
        Assert.Equal(1, harness.Remote.Count("/get_missing_events/"));
        Assert.Equal(1, harness.Remote.Count("/state_ids/"));
        Assert.Equal(1, harness.Remote.Count("/event/"));
        Assert.Equal(0, harness.Remote.Count("/state/"));
        Assert.True((await harness.Room.RowAsync(topic.EventId)).Outlier);
        Assert.NotNull((await harness.Room.RowAsync(last.EventId)).StreamOrdering);
        Assert.Equal(topic.EventId, (await harness.Room.CurrentStateAsync())[Topic]);
        Assert.Contains(last.EventId, await harness.Room.ExtremitiesAsync());
        Assert.NotEmpty(stateBefore);
    }

    [Fact]
    public async Task Many_unknown_state_events_are_fetched_with_one_state_request()
    {
        await using var harness = await ReceiverHarness.StartAsync(RemoteFetchLimits.Default with
        {
            StateRequestThreshold = 0,
        });
        var (topic, _, last, _) = await StateChainAsync(harness);

        var answer = (await harness.SendAsync("t1", last))["pdus"]!;

        Assert.Empty(answer[last.EventId]!.AsObject());
        Assert.Equal(1, harness.Remote.Count("/state/"));
        Assert.Equal(0, harness.Remote.Count("/event/"));
        Assert.True((await harness.Room.RowAsync(topic.EventId)).Outlier);
        Assert.Equal(topic.EventId, (await harness.Room.CurrentStateAsync())[Topic]);
    }

    [Fact]
    public async Task A_failed_fetch_gives_the_pdu_an_error_and_stores_nothing()
    {
        await using var harness = await ReceiverHarness.StartAsync();
        var (_, _, e3) = await ChainAsync(harness);
        harness.Remote.Failing = true;

        var answer = (await harness.SendAsync("t1", e3))["pdus"]!;

        Assert.Contains("fetch", answer[e3.EventId]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(await harness.StoredAsync(e3.EventId));
    }

    [Fact]
    public async Task A_pdu_may_not_cause_more_event_requests_than_the_limit()
    {
        await using var harness = await ReceiverHarness.StartAsync(RemoteFetchLimits.Default with
        {
            MaxEventRequests = 0,
        });
        var (topic, _, last, _) = await StateChainAsync(harness);

        var answer = (await harness.SendAsync("t1", last))["pdus"]!;

        Assert.Contains("more than 0", answer[last.EventId]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, harness.Remote.Count("/event/"));
        Assert.Null(await harness.StoredAsync(topic.EventId));
        Assert.Null(await harness.StoredAsync(last.EventId));
    }

    [Fact]
    public async Task Fetched_events_that_are_forged_or_of_another_room_are_left_out()
    {
        await using var harness = await ReceiverHarness.StartAsync();
        var (e1, e2, e3) = await ChainAsync(harness);
        var forged = ReceiverHarness.Json(e1);
        forged["signatures"]![TestRemoteServer.Name]![InputRoom.RemoteKey.KeyId] = new string('A', 86);
        var otherRoom = ReceiverHarness.Json(e2);
        otherRoom["room_id"] = "!" + e1.EventId[1..]; // a room ID of the right form, of another room
        otherRoom = EventSigning.HashAndSign(otherRoom, TestRemoteServer.Name, InputRoom.RemoteKey, RoomVersions.V12);
        Assert.True((await harness.Verifier.VerifyAsync(otherRoom, RoomVersions.V12, CancellationToken.None)).IsValid);
        var otherRoomPdu = Pdu.Parse(otherRoom, RoomVersions.V12);
        harness.Remote.MissingEvents = _ => [Pdu.Parse(forged, RoomVersions.V12), otherRoomPdu, e2];

        var fetched = await harness.Fetcher.GetMissingEventsAsync(ReceiverHarness.Origin,
            RoomId.Parse(harness.Room.RoomId), RoomVersions.V12, [], [EventId.Parse(e3.EventId)], 10, 0,
            CancellationToken.None);

        Assert.Equal([e2.EventId], fetched.Select(e => e.EventId));
    }

    /// <summary>Three messages of Bob's, each on the one before, the first on the room's head.</summary>
    private static async Task<(Pdu E1, Pdu E2, Pdu E3)> ChainAsync(ReceiverHarness harness)
    {
        var e1 = await harness.MessageAsync("one", timestamp: 200_001);
        var e2 = await harness.MessageAsync("two", [e1], timestamp: 200_002);
        var e3 = await harness.MessageAsync("three", [e2], timestamp: 200_003);
        return (e1, e2, e3);
    }

    /// <summary>
    /// Bob sets the topic, then sends two messages; the origin gives only the middle one to
    /// <c>/get_missing_events</c> (so a gap remains) and serves the state before the last and the topic event.
    /// </summary>
    private static async Task<(Pdu Topic, Pdu Middle, Pdu Last, ImmutableDictionary<TypeAndStateKey, Pdu> State)>
        StateChainAsync(ReceiverHarness harness)
    {
        var head = await harness.Room.HeadAsync();
        var topic = harness.Room.Remote(InputRoom.Bob, Topic.Type, "", new JsonObject { ["topic"] = "fetched" },
            head.ForwardExtremities, head.State, 200_001);
        var state = head.State.SetItem(Topic, topic);
        var middle = await harness.MessageAsync("middle", [topic], state, 200_002);
        var last = await harness.MessageAsync("last", [middle], state, 200_003);
        harness.Remote.MissingEvents = _ => [middle];
        var authChain = state.Values.Where(e => e.EventId != topic.EventId).ToList();
        harness.Remote.ServeStateBefore(last.EventId, [.. state.Values], authChain);
        harness.Remote.Serve(topic, middle);
        return (topic, middle, last, state);
    }
}
