using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;

namespace Homeserver.Testing;

/// <summary>
/// A room of another server, built and signed with Core's <see cref="PduBuilder"/> and that server's key (room version
/// 12): a public room created by <c>@creator:{server}</c>. Events are appended on the room's single forward extremity;
/// <see cref="Build"/> makes an event (a join to send us, say) on the head without adding it.
/// </summary>
public sealed class RemoteRoomBuilder
{
    private readonly List<Pdu> _events = [];
    private long _timestamp = 1_700_000_000_000;

    public RemoteRoomBuilder(string serverName, SigningKey key, string joinRule = "public")
    {
        ServerName = serverName;
        Key = key;
        Creator = $"@creator:{serverName}";
        Create = Build(EventTypes.Create, Creator, "", new JsonObject { ["room_version"] = "12" });
        Add(Create);
        Add(Build(EventTypes.Member, Creator, Creator, new JsonObject { ["membership"] = "join" }));
        Add(Build(EventTypes.PowerLevels, Creator, "", new JsonObject
        {
            ["users_default"] = 0, ["events_default"] = 0, ["state_default"] = 50, ["invite"] = 0,
        }));
        Add(Build("m.room.join_rules", Creator, "", new JsonObject { ["join_rule"] = joinRule }));
        Add(Build("m.room.name", Creator, "", new JsonObject { ["name"] = "Elsewhere" }));
    }

    public string ServerName { get; }

    public SigningKey Key { get; }

    public string Creator { get; }

    public Pdu Create { get; }

    public string RoomId => Create.RoomId;

    public static RoomVersion Version => RoomVersions.V12;

    public IReadOnlyList<Pdu> Events => _events;

    public ImmutableDictionary<TypeAndStateKey, Pdu> State { get; private set; } =
        ImmutableDictionary<TypeAndStateKey, Pdu>.Empty;

    public Pdu Head => _events[^1];

    /// <summary>Appends an event of this server on the head.</summary>
    public Pdu Append(string type, string sender, string? stateKey, JsonObject content)
    {
        var pdu = Build(type, sender, stateKey, content);
        Add(pdu);
        return pdu;
    }

    /// <summary>Appends an event built elsewhere (our join, signed by us) on the head.</summary>
    public void Add(Pdu pdu)
    {
        _events.Add(pdu);
        if (pdu.IsState)
        {
            State = State.SetItem(pdu.StateEntryKey, pdu);
        }
    }

    /// <summary>An event of this server on the head, not added.</summary>
    public Pdu Build(string type, string sender, string? stateKey, JsonObject content) =>
        PduBuilder.TryBuild(Version, type == EventTypes.Create ? null : RoomId,
            new PduTemplate(type, sender, stateKey, content), _events.Count == 0 ? [] : [Head],
            new StateMap(State.Values), _timestamp++, ServerName, Key, out var pdu, out var error)
            ? pdu!
            : throw new InvalidOperationException(error);

    /// <summary>The auth chain of the given events (every event they reach through auth_events), oldest first.</summary>
    public IReadOnlyList<Pdu> AuthChainOf(IEnumerable<Pdu> events)
    {
        var byId = _events.ToDictionary(e => e.EventId, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(events.SelectMany(e => e.AuthEvents));
        while (queue.TryDequeue(out var id))
        {
            if (seen.Add(id) && byId.TryGetValue(id, out var pdu))
            {
                foreach (var auth in pdu.AuthEvents)
                {
                    queue.Enqueue(auth);
                }
            }
        }

        return _events.Where(e => seen.Contains(e.EventId)).ToList();
    }
}
