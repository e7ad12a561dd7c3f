using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Events;

namespace Homeserver.Core.Tests.Support;

/// <summary>
/// Builds rooms of any version for tests: events get version-correct room IDs, event IDs, reference
/// shapes and auth events chosen by the auth events selection from a state. No signing.
/// </summary>
internal sealed class TestRoom
{
    public const string Alice = "@alice:a.example";
    public const string Bob = "@bob:b.example";
    public const string Carol = "@carol:c.example";
    public const string Dave = "@dave:d.example";

    private long _clock = 1000;
    private int _counter;

    public TestRoom(RoomVersion version, string creator = Alice, Action<JsonObject>? createContent = null)
    {
        Version = version;
        RoomId = version.RoomIdIsCreateEventId ? "" : "!room:" + creator.Split(':')[1];
        var content = new JsonObject { ["room_version"] = version.Id };
        if (!version.CreatorIsCreateSender)
        {
            content["creator"] = creator;
        }

        createContent?.Invoke(content);
        Create = Build(EventTypes.Create, creator, "", content, prev: [], auth: []);
        if (version.RoomIdIsCreateEventId)
        {
            RoomId = "!" + Create.EventId[1..];
        }

        State.Set(Create);
        _all.Add(Create);
        Last = Create;
    }

    public RoomVersion Version { get; }

    public string RoomId { get; private set; }

    public Pdu Create { get; }

    /// <summary>The state events are authorised against and auth events are chosen from.</summary>
    public StateMap State { get; } = new();

    /// <summary>The latest event sent, the default prev_event of the next.</summary>
    public Pdu Last { get; private set; }

    public IEnumerable<Pdu> All => _all;

    private readonly List<Pdu> _all = [];

    /// <summary>Builds an event without changing the room.</summary>
    public Pdu Build(string type, string sender, string? stateKey, JsonObject content, IReadOnlyList<Pdu>? prev = null,
        IReadOnlyList<Pdu>? auth = null, Action<JsonObject>? customize = null, IRoomState? authFrom = null, long? ts = null)
    {
        var json = new JsonObject
        {
            ["type"] = type,
            ["sender"] = sender,
            ["content"] = content.DeepClone(),
            ["origin_server_ts"] = ts ?? _clock++,
            ["depth"] = (prev ?? [Last]).Select(p => p.Depth).DefaultIfEmpty(0).Max() + 1,
            ["hashes"] = new JsonObject { ["sha256"] = "AAAA" },
            ["signatures"] = new JsonObject { [sender.Split(':')[1]] = new JsonObject { ["ed25519:1"] = "sig" } },
        };
        if (stateKey is not null)
        {
            json["state_key"] = stateKey;
        }

        if (!(Version.RoomIdIsCreateEventId && type == EventTypes.Create))
        {
            json["room_id"] = RoomId;
        }

        if (Version.EventIdFormat == EventIdFormat.ServerAssigned)
        {
            json["event_id"] = $"${++_counter}:{sender.Split(':')[1]}";
        }

        var authEvents = auth ?? SelectAuthEvents(type, sender, stateKey, content, authFrom ?? State);
        json["prev_events"] = References(prev ?? [Last]);
        json["auth_events"] = References(authEvents);
        customize?.Invoke(json);
        return Pdu.Parse(json, Version);
    }

    /// <summary>Builds an event, adds it to the state without checking it, and makes it the latest.</summary>
    public Pdu Send(string type, string sender, string? stateKey, JsonObject content, IReadOnlyList<Pdu>? prev = null,
        Action<JsonObject>? customize = null)
    {
        var pdu = Build(type, sender, stateKey, content, prev, customize: customize);
        Apply(pdu);
        return pdu;
    }

    /// <summary>Starts a branch of the DAG from the room's current state and latest event.</summary>
    public TestFork Fork() => new(this, new StateMap(State.Events), Last);

    /// <summary>Records an event built elsewhere (in a fork) so it is part of <see cref="All"/>.</summary>
    public void Register(Pdu pdu) => _all.Add(pdu);

    public void Apply(Pdu pdu)
    {
        if (pdu.IsState)
        {
            State.Set(pdu);
        }

        _all.Add(pdu);
        Last = pdu;
    }

    public Pdu Member(string sender, string target, string membership, Action<JsonObject>? content = null,
        Action<JsonObject>? customize = null)
    {
        var body = new JsonObject { ["membership"] = membership };
        content?.Invoke(body);
        return Build(EventTypes.Member, sender, target, body, customize: customize);
    }

    public Pdu Join(string user) => Send(EventTypes.Member, user, user, new JsonObject { ["membership"] = "join" });

    public Pdu SetMembership(string sender, string target, string membership) =>
        Send(EventTypes.Member, sender, target, new JsonObject { ["membership"] = membership });

    public Pdu SetJoinRule(string rule, string sender = Alice, Action<JsonObject>? content = null)
    {
        var body = new JsonObject { ["join_rule"] = rule };
        content?.Invoke(body);
        return Send(EventTypes.JoinRules, sender, "", body);
    }

    public Pdu SetPowerLevels(JsonObject content, string sender = Alice) =>
        Send(EventTypes.PowerLevels, sender, "", content);

    /// <summary>The usual start: the creator joins, sets power levels (creator 100 before v12), joins open.</summary>
    public TestRoom WithDefaults(string joinRule = "public", string creator = Alice)
    {
        Join(creator);
        var users = new JsonObject();
        if (!Version.CreatorsHaveInfinitePower)
        {
            users[creator] = 100;
        }

        SetPowerLevels(new JsonObject { ["users"] = users }, creator);
        SetJoinRule(joinRule, creator);
        return this;
    }

    public AuthResult Check(Pdu pdu, AuthOptions? options = null) => EventAuthorizer.Authorize(pdu, State, options);

    private List<Pdu> SelectAuthEvents(string type, string sender, string? stateKey, JsonObject content,
        IRoomState state)
    {
        var contentElement = System.Text.Json.JsonSerializer.SerializeToElement(content);
        return AuthEventSelection.KeysFor(type, sender, stateKey, contentElement, Version)
            .Select(key => state.Get(key.Type, key.StateKey))
            .OfType<Pdu>()
            .ToList();
    }

    private JsonArray References(IEnumerable<Pdu> events)
    {
        var array = new JsonArray();
        foreach (var pdu in events)
        {
            array.Add(Version.EventIdFormat == EventIdFormat.ServerAssigned
                ? new JsonArray(pdu.EventId, new JsonObject { ["sha256"] = "AAAA" })
                : JsonValue.Create(pdu.EventId));
        }

        return array;
    }
}
