using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Events;

namespace Homeserver.Core.Bench;

/// <summary>
/// A room version 12 room that splits into two forks of <c>eventsPerFork</c> state events each: a
/// power levels change, then joins of distinct users and custom state from the admin, so every
/// fork event is conflicted with the other fork.
/// </summary>
public sealed class ForkedRoom
{
    private const string Admin = "@admin:example.org";
    private readonly RoomVersion _version = RoomVersions.V12;
    private readonly List<Pdu> _events = [];
    private long _clock = 1_700_000_000_000;
    private string _roomId = "";

    public ForkedRoom(int eventsPerFork)
    {
        var state = new StateMap();
        var create = Add(state, null, "m.room.create", Admin, "", new JsonObject { ["room_version"] = "12" });
        _roomId = "!" + create.EventId[1..];
        var last = create;
        last = Add(state, last, "m.room.member", Admin, Admin, new JsonObject { ["membership"] = "join" });
        last = Add(state, last, "m.room.power_levels", Admin, "", new JsonObject { ["users"] = new JsonObject() });
        last = Add(state, last, "m.room.join_rules", Admin, "", new JsonObject { ["join_rule"] = "public" });
        StateA = BuildFork(new StateMap(state.Events), last, "a", eventsPerFork);
        StateB = BuildFork(new StateMap(state.Events), last, "b", eventsPerFork);
    }

    public IReadOnlyDictionary<TypeAndStateKey, string> StateA { get; }

    public IReadOnlyDictionary<TypeAndStateKey, string> StateB { get; }

    public IReadOnlyList<Pdu> Events => _events;

    private Dictionary<TypeAndStateKey, string> BuildFork(StateMap state, Pdu last, string name, int count)
    {
        last = Add(state, last, "m.room.power_levels", Admin, "", new JsonObject
        {
            ["users"] = new JsonObject { [$"@mod-{name}:example.org"] = 50 },
        });
        for (var i = 1; i < count; i++)
        {
            last = i % 2 == 0
                ? Add(state, last, "m.room.member", $"@{name}{i}:example.org", $"@{name}{i}:example.org",
                    new JsonObject { ["membership"] = "join", ["displayname"] = $"User {name}{i}" })
                : Add(state, last, "org.example.setting", Admin, $"{name}{i}", new JsonObject { ["value"] = i });
        }

        return state.Events.ToDictionary(e => e.Key, e => e.Value.EventId);
    }

    private Pdu Add(StateMap state, Pdu? prev, string type, string sender, string stateKey, JsonObject content)
    {
        var contentElement = JsonSerializer.SerializeToElement(content);
        var auth = AuthEventSelection.KeysFor(type, sender, stateKey, contentElement, _version)
            .Select(key => state.Get(key.Type, key.StateKey))
            .OfType<Pdu>()
            .Select(e => JsonValue.Create(e.EventId))
            .ToArray<JsonNode?>();
        var json = new JsonObject
        {
            ["type"] = type,
            ["sender"] = sender,
            ["state_key"] = stateKey,
            ["content"] = content,
            ["origin_server_ts"] = _clock++,
            ["depth"] = (prev?.Depth ?? 0) + 1,
            ["prev_events"] = prev is null ? new JsonArray() : new JsonArray(prev.EventId),
            ["auth_events"] = new JsonArray(auth),
            ["hashes"] = new JsonObject { ["sha256"] = "AAAA" },
            ["signatures"] = new JsonObject(),
        };
        if (type != "m.room.create")
        {
            json["room_id"] = _roomId;
        }

        var pdu = Pdu.Parse(json, _version);
        var check = EventAuthorizer.Authorize(pdu, state);
        if (!check.IsAllowed)
        {
            throw new InvalidOperationException($"fixture event {type} rejected: {check.Reason}");
        }

        state.Set(pdu);
        _events.Add(pdu);
        return pdu;
    }
}
