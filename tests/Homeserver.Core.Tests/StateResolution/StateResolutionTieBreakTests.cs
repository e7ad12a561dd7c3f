using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.StateResolution;
using Homeserver.Core.Tests.Support;
using static Homeserver.Core.Tests.Support.TestRoom;

namespace Homeserver.Core.Tests.StateResolution;

/// <summary>
/// The last tie-break of both orderings compares event IDs by code point (as Synapse's Python strings
/// do), not by UTF-16 unit: a surrogate pair (U+1F600) sorts after U+FFFD, where UTF-16 would put it
/// before. Room version 2 lets the origin choose the event ID, so the IDs can differ in that range.
/// </summary>
public sealed class StateResolutionTieBreakTests
{
    private const string LowId = "$\uFFFD:a.example";
    private const string HighId = "$\U0001F600:a.example";

    private static async Task<(string Resolved, Pdu Low, Pdu High)> Resolve(string type, string sender)
    {
        var room = new TestRoom(RoomVersions.V2).WithDefaults();
        var content = type == EventTypes.PowerLevels
            ? new JsonObject { ["users"] = new JsonObject { [Alice] = 100 } }
            : new JsonObject { ["topic"] = "t" };
        var before = new Dictionary<TypeAndStateKey, string>(room.State.Events.ToDictionary(e => e.Key, e => e.Value.EventId));
        var low = room.Build(type, sender, "", content, customize: j => j["event_id"] = LowId, ts: 5000);
        var high = room.Build(type, sender, "", content, customize: j => j["event_id"] = HighId, ts: 5000);
        room.Register(low);
        room.Register(high);
        var key = new TypeAndStateKey(type, "");
        var withLow = new Dictionary<TypeAndStateKey, string>(before) { [key] = low.EventId };
        var withHigh = new Dictionary<TypeAndStateKey, string>(before) { [key] = high.EventId };

        var resolved = await StateResolver.ResolveAsync(room.Version, [withHigh, withLow], new InMemoryEventSource(room.All));
        return (resolved[key], low, high);
    }

    [Fact]
    public async Task Mainline_ordering_breaks_ties_by_event_id_code_points()
    {
        // Same mainline position and timestamp: the lower ID is applied first, so the higher one wins.
        var (resolved, _, high) = await Resolve("m.room.topic", Alice);
        Assert.Equal(high.EventId, resolved);
    }

    [Fact]
    public async Task Reverse_topological_power_ordering_breaks_ties_by_event_id_code_points()
    {
        var (resolved, _, high) = await Resolve(EventTypes.PowerLevels, Alice);
        Assert.Equal(high.EventId, resolved);
    }
}
