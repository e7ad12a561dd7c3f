using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.StateResolution;
using Homeserver.Core.Tests.Support;
using static Homeserver.Core.Tests.Support.TestRoom;

namespace Homeserver.Core.Tests.StateResolution;

public sealed class StateResolutionSourceTests
{
    [Fact]
    public async Task Rejected_auth_events_are_not_used_as_fallbacks_in_iterative_auth_checks()
    {
        // v2.1 checks power events from an empty state, so Bob's membership comes from his event's own
        // auth events; once his join is known to be rejected it cannot vouch for him. Bob's topic keeps
        // his join in every auth chain and no auth path leads from the join to a conflicted event, so the
        // join is neither in the auth difference nor in the conflicted subgraph.
        var room = new TestRoom(RoomVersions.V12).WithDefaults();
        room.Join(Bob);
        room.SetPowerLevels(new JsonObject { ["users"] = new JsonObject { [Bob] = 50 }, ["state_default"] = 50 });
        room.Send("m.room.topic", Bob, "", new JsonObject { ["topic"] = "t" });
        var original = room.State.Get(EventTypes.PowerLevels, "")!;
        var a = room.Fork();
        var byBob = a.Send(EventTypes.PowerLevels, Bob, "", new JsonObject
        {
            ["users"] = new JsonObject { [Bob] = 50 },
            ["state_default"] = 50,
            ["events_default"] = 1,
        });
        var b = room.Fork();
        var key = new TypeAndStateKey(EventTypes.PowerLevels, "");

        var accepted = await StateResolver.ResolveAsync(RoomVersions.V12, [a.StateIds, b.StateIds],
            new InMemoryEventSource(room.All));
        Assert.Equal(byBob.EventId, accepted[key]);

        var withBobJoinRejected = new InMemoryEventSource(room.All);
        withBobJoinRejected.MarkRejected(room.State.Get(EventTypes.Member, Bob)!.EventId);
        var rejected = await StateResolver.ResolveAsync(RoomVersions.V12, [a.StateIds, b.StateIds], withBobJoinRejected);
        Assert.Equal(original.EventId, rejected[key]);
    }

    [Fact]
    public async Task Events_are_fetched_in_batches_through_the_source()
    {
        var room = new TestRoom(RoomVersions.V11).WithDefaults();
        room.Join(Bob);
        var a = room.Fork();
        a.Send("m.room.topic", Alice, "", new JsonObject { ["topic"] = "a" });
        var b = room.Fork();
        b.Send("m.room.topic", Alice, "", new JsonObject { ["topic"] = "b" });
        var counting = new CountingSource(new InMemoryEventSource(room.All));

        await StateResolver.ResolveAsync(RoomVersions.V11, [a.StateIds, b.StateIds], counting);
        Assert.InRange(counting.Calls, 1, 20);
        Assert.True(counting.Requested >= room.State.Count);
    }

    [Fact]
    public void The_state_after_a_state_event_replaces_its_entry_and_messages_change_nothing()
    {
        var room = new TestRoom(RoomVersions.V12).WithDefaults();
        var before = room.Fork().StateIds;
        var topic = room.Build("m.room.topic", Alice, "", new JsonObject { ["topic"] = "t" });
        var message = room.Build("m.room.message", Alice, null, new JsonObject());
        Assert.Equal(topic.EventId, StateResolver.StateAfter(before, topic)[new TypeAndStateKey("m.room.topic", "")]);
        Assert.Equal(before.Count, StateResolver.StateAfter(before, message).Count);
    }

    [Fact]
    public async Task Resolving_a_single_state_returns_it()
    {
        var room = new TestRoom(RoomVersions.V12).WithDefaults();
        var state = room.Fork().StateIds;
        var resolved = await StateResolver.ResolveAsync(RoomVersions.V12, [state], new InMemoryEventSource([]));
        Assert.Equal(state.Count, resolved.Count);
    }

    private sealed class CountingSource(IStateResolutionSource inner) : IStateResolutionSource
    {
        public int Calls { get; private set; }

        public int Requested { get; private set; }

        public ValueTask<IReadOnlyCollection<Pdu>> GetEventsAsync(IReadOnlyCollection<string> eventIds,
            CancellationToken cancellationToken)
        {
            Calls++;
            Requested += eventIds.Count;
            return inner.GetEventsAsync(eventIds, cancellationToken);
        }

        public bool IsRejected(string eventId) => inner.IsRejected(eventId);
    }
}
