using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.StateResolution;
using Homeserver.Core.Tests.Support;
using static Homeserver.Core.Tests.Support.TestRoom;

namespace Homeserver.Core.Tests.StateResolution;

public sealed class StateResolutionV1Tests
{
    private static TestRoom Room()
    {
        var room = new TestRoom(RoomVersions.V1).WithDefaults();
        room.Join(Bob);
        room.Join(Carol);
        room.SetPowerLevels(new JsonObject { ["users"] = new JsonObject { [Alice] = 100, [Bob] = 50 } });
        return room;
    }

    private static Task<Dictionary<TypeAndStateKey, string>> Resolve(TestRoom room, params TestFork[] forks) =>
        StateResolver.ResolveAsync(RoomVersions.V1, forks.Select(f => f.StateIds).ToList(), new InMemoryEventSource(room.All));

    [Fact]
    public async Task Keys_only_one_state_has_are_taken_without_checks()
    {
        var room = Room();
        var a = room.Fork();
        var topic = a.Send("m.room.topic", Bob, "", new JsonObject { ["topic"] = "x" });
        var b = room.Fork();

        var resolved = await Resolve(room, a, b);
        Assert.Equal(topic.EventId, resolved[new TypeAndStateKey("m.room.topic", "")]);
    }

    [Fact]
    public async Task Other_conflicts_pick_the_deepest_event_that_passes_auth()
    {
        var room = Room();
        var a = room.Fork();
        a.Send("m.room.message", Alice, null, new JsonObject());
        var deeper = a.Send("m.room.name", Bob, "", new JsonObject { ["name"] = "a" });
        var b = room.Fork();
        b.Send("m.room.name", Alice, "", new JsonObject { ["name"] = "b" });

        var resolved = await Resolve(room, a, b);
        Assert.Equal(deeper.EventId, resolved[new TypeAndStateKey("m.room.name", "")]);
    }

    [Fact]
    public async Task Power_level_conflicts_replay_from_the_shallowest_and_stop_at_the_first_rejected()
    {
        var room = Room();
        var a = room.Fork();
        var shallow = a.Send(EventTypes.PowerLevels, Alice, "",
            new JsonObject { ["users"] = new JsonObject { [Alice] = 100, [Bob] = 0 } });
        var b = room.Fork();
        b.Send("m.room.message", Bob, null, new JsonObject());
        b.Send(EventTypes.PowerLevels, Bob, "",
            new JsonObject { ["users"] = new JsonObject { [Alice] = 100, [Bob] = 50, [Carol] = 10 } });

        var resolved = await Resolve(room, a, b);
        Assert.Equal(shallow.EventId, resolved[new TypeAndStateKey(EventTypes.PowerLevels, "")]);
    }

    [Fact]
    public async Task Member_conflicts_are_replayed_against_the_resolved_power_levels()
    {
        var room = Room();
        var a = room.Fork();
        var demote = a.Send(EventTypes.PowerLevels, Alice, "",
            new JsonObject { ["users"] = new JsonObject { [Alice] = 100, [Bob] = 0 } });
        var b = room.Fork();
        b.Send("m.room.message", Bob, null, new JsonObject());
        b.Send("m.room.message", Bob, null, new JsonObject());
        var kick = b.Member(Bob, Carol, "leave");

        var resolved = await Resolve(room, a, b);
        Assert.Equal(demote.EventId, resolved[new TypeAndStateKey(EventTypes.PowerLevels, "")]);
        Assert.NotEqual(kick.EventId, resolved[new TypeAndStateKey(EventTypes.Member, Carol)]);
    }
}
