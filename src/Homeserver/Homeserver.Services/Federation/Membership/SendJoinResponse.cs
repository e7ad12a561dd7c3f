using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Rooms;
using Homeserver.Services.Sync;

namespace Homeserver.Services.Federation.Membership;

/// <summary>
/// The answer to send_join (server-server API, <c>PUT /_matrix/federation/v2/send_join</c>): the room's state before
/// the join, the auth chain of the join and of that state, and the join as the room took it. With
/// <c>omit_members</c> (MSC3706, partial state) the member events are left out of the state but the joiner's own
/// previous one and, when the room has neither name nor canonical alias, those of the room summary's heroes; the auth
/// chain then leaves out what the state already holds, and <c>servers_in_room</c> names the servers joined before.
/// </summary>
public sealed class SendJoinResponse(IRoomEventReader reader, ISyncReader summaries)
{
    // The client-server API's room summary: up to five heroes.
    private const int Heroes = 5;

    public async Task<JsonObject> BuildAsync(ReceivedMembership join, bool omitMembers,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(join);
        var pdu = join.Event;
        var stateBefore = await StateBeforeAsync(pdu, cancellationToken);
        var stateEvents = await reader.GetEventsAsync(stateBefore.Values.ToList(), cancellationToken);
        var servers = stateEvents.Where(e => e.Pdu.Type == EventTypes.Member && e.Pdu.Membership == Memberships.Join)
            .Select(e => UserId.TryParse(e.Pdu.StateKey, out var user, out _) ? user.Domain.Value : null)
            .OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (omitMembers)
        {
            var kept = await PartialStateAsync(pdu, stateBefore, cancellationToken);
            stateEvents = stateEvents.Where(e => kept.Contains(e.Pdu.EventId)).ToList();
        }

        var stateIds = stateEvents.Select(e => e.Pdu.EventId).ToHashSet(StringComparer.Ordinal);
        var chain = await AuthChainAsync(stateEvents.Select(e => e.Pdu).Append(pdu), cancellationToken);
        if (omitMembers)
        {
            chain = chain.Where(e => !stateIds.Contains(e.Pdu.EventId)).ToList();
        }

        var response = new JsonObject
        {
            ["state"] = ToArray(stateEvents),
            ["auth_chain"] = ToArray(chain),
            ["event"] = pdu.ToJsonObject(),
            ["members_omitted"] = omitMembers,
        };
        if (omitMembers)
        {
            response["servers_in_room"] = new JsonArray(servers.Select(s => (JsonNode?)s).ToArray());
        }

        return response;
    }

    /// <summary>
    /// The state before the join: the state after it with its own entry put back to what it replaced (the state
    /// before an event is the state after it but for the event's own entry).
    /// </summary>
    private async Task<Dictionary<TypeAndStateKey, string>> StateBeforeAsync(Pdu join,
        CancellationToken cancellationToken)
    {
        var after = await reader.GetStateIdsAfterAsync(join.EventId, cancellationToken);
        var stored = await reader.GetEventAsync(join.EventId, cancellationToken);
        var before = new Dictionary<TypeAndStateKey, string>(after);
        if (stored?.ReplacesState is { } replaced)
        {
            before[join.StateEntryKey] = replaced;
        }
        else
        {
            before.Remove(join.StateEntryKey);
        }

        return before;
    }

    /// <summary>The state events kept when members are omitted (Synapse keeps the same ones).</summary>
    private async Task<HashSet<string>> PartialStateAsync(Pdu join, Dictionary<TypeAndStateKey, string> stateBefore,
        CancellationToken cancellationToken)
    {
        var kept = stateBefore.Where(p => p.Key.Type != EventTypes.Member).Select(p => p.Value)
            .ToHashSet(StringComparer.Ordinal);
        if (stateBefore.TryGetValue(join.StateEntryKey, out var previous))
        {
            kept.Add(previous);
        }

        if (!stateBefore.ContainsKey(new TypeAndStateKey("m.room.name", "")) &&
            !stateBefore.ContainsKey(new TypeAndStateKey("m.room.canonical_alias", "")))
        {
            var summary = await summaries.GetMemberSummaryAsync(join.RoomId, join.StateKey!, Heroes, cancellationToken);
            var heroes = summary.PresentHeroes.Count > 0 ? summary.PresentHeroes : summary.DepartedHeroes;
            foreach (var hero in heroes)
            {
                if (stateBefore.TryGetValue(new TypeAndStateKey(EventTypes.Member, hero), out var member))
                {
                    kept.Add(member);
                }
            }
        }

        return kept;
    }

    /// <summary>Every event reached from the given events' auth events, transitively (not the events themselves
    /// unless one reaches another).</summary>
    private async Task<List<StoredEvent>> AuthChainAsync(IEnumerable<Pdu> from, CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var chain = new List<StoredEvent>();
        var next = from.SelectMany(e => e.AuthEvents).Where(seen.Add).ToList();
        while (next.Count > 0)
        {
            var found = await reader.GetEventsAsync(next, cancellationToken);
            chain.AddRange(found);
            next = found.SelectMany(e => e.Pdu.AuthEvents).Where(seen.Add).ToList();
        }

        return chain;
    }

    private static JsonArray ToArray(IEnumerable<StoredEvent> events) =>
        new(events.Select(e => (JsonNode?)History.FederationPduJson.Of(e, visible: true)).ToArray());
}
