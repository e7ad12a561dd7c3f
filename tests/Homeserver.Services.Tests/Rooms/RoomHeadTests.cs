using System.Collections.Immutable;
using Homeserver.Core.Events;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Tests.Rooms;

public sealed class RoomHeadTests
{
    private const string RoomId = "!big:test.local";

    [Fact]
    public void A_state_event_in_a_big_room_does_not_copy_the_room_state()
    {
        const int members = 10_000;
        const int events = 200;
        var state = ImmutableDictionary.CreateRange(Enumerable.Range(0, members)
            .Select(i => Member(i)).Select(p => KeyValuePair.Create(p.StateEntryKey, p)));
        var head = new RoomHead(RoomId, RoomVersions.V12, [], state, 1, 1);
        head = head.After(Member(members + events)); // first-call costs (JIT) outside the measurement
        var joins = new List<Pdu>(events);
        foreach (var i in Enumerable.Range(members, events))
        {
            joins.Add(Member(i, joins.Count == 0 ? $"$member{members + events}" : joins[^1].EventId));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var join in joins)
        {
            head = head.After(join);
        }

        var perEvent = (GC.GetAllocatedBytesForCurrentThread() - before) / events;

        // A copy of 10,000 entries is hundreds of kilobytes; a persistent map's path copy is about a kilobyte.
        Assert.InRange(perEvent, 0, 4_096);
        Assert.Equal(members + events + 1, head.State.Count);
        Assert.Same(joins[^1], head.Get(EventTypes.Member, UserId(members + events - 1)));
        Assert.Equal(members, state.Count); // earlier heads are unchanged
    }

    private static string UserId(int i) => $"@user{i}:test.local";

    // Each join follows the one before (a local event's prev events are the head's extremities).
    private static Pdu Member(int i) => Member(i, null);

    private static Pdu Member(int i, string? prev) => Pdu.FromTrusted($$"""
        {"type":"m.room.member","state_key":"{{UserId(i)}}","sender":"{{UserId(i)}}","room_id":"{{RoomId}}",
         "content":{"membership":"join"},"origin_server_ts":1,"depth":1,
         "prev_events":[{{(prev is null ? "" : "\"" + prev + "\"")}}],"auth_events":[]}
        """, RoomVersions.V12, $"$member{i}");
}
