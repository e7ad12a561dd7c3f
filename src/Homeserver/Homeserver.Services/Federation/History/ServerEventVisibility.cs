using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Federation.History;

/// <summary>
/// Which events another server may see (spec: server-server API, "Retrieving events", with the client-server API's
/// "Room History Visibility" applied to the server's users), as Synapse's <c>filter_events_for_server</c> decides,
/// with the state after each event: <c>world_readable</c> and <c>shared</c> are visible to a server in the room,
/// <c>invited</c> when one of its users was joined or invited at the event, <c>joined</c> when one was joined. An
/// outlier (no state known) counts as <c>shared</c>. Events it may not see are served redacted, never dropped, so
/// that the DAG it walks stays whole. Events of erased senders are always served redacted (Synapse's
/// <c>filter_out_erased_senders</c> on /event, /backfill and /get_missing_events: a server cannot tell which of its
/// users were joined when they were sent).
/// </summary>
public sealed class ServerEventVisibility(IRoomEventReader reader, IRoomHistoryReader history,
    IErasedUserReader erasedUsers)
{
    private static readonly TypeAndStateKey VisibilityKey = new(EventTypes.HistoryVisibility, "");

    /// <summary>The IDs of the events of <paramref name="events"/> that <paramref name="server"/> may see whole.</summary>
    public async Task<IReadOnlySet<string>> VisibleAsync(ServerName server, IReadOnlyCollection<StoredEvent> events,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var visible = new HashSet<string>(StringComparer.Ordinal);
        if (events.Count == 0)
        {
            return visible;
        }

        var erased = await erasedUsers.GetErasedAsync(events.Select(e => e.Pdu.Sender).ToHashSet(StringComparer.Ordinal),
            cancellationToken);
        var ids = events.Where(e => !erased.Contains(e.Pdu.Sender)).Select(e => e.Pdu.EventId).ToList();
        if (ids.Count == 0)
        {
            return visible;
        }

        var visibilityStates = await history.GetStateIdsAfterAsync(ids, [VisibilityKey], cancellationToken);
        var visibilityEvents = await LoadAsync(visibilityStates.Values.SelectMany(s => s.Values), cancellationToken);

        var restricted = new List<string>();
        foreach (var id in ids)
        {
            var state = visibilityStates.GetValueOrDefault(id);
            var visibility = state is not null && state.TryGetValue(VisibilityKey, out var visibilityId)
                ? HistoryVisibility.Normalise(visibilityEvents.GetValueOrDefault(visibilityId)
                    ?.ContentString("history_visibility"))
                : HistoryVisibility.Shared;
            if (visibility is HistoryVisibility.WorldReadable or HistoryVisibility.Shared)
            {
                visible.Add(id);
            }
            else
            {
                restricted.Add(id);
            }
        }

        if (restricted.Count == 0)
        {
            return visible;
        }

        // The membership of the server's users at each restricted event: the whole state, as Synapse reads it.
        var fullStates = await history.GetStateIdsAfterAsync(restricted, null, cancellationToken);
        var suffix = ":" + server.Value;
        var memberIds = fullStates.Values.SelectMany(s => s.Where(e => IsServersMember(e.Key, suffix)).Select(e => e.Value));
        var members = await LoadAsync(memberIds, cancellationToken);
        foreach (var id in restricted)
        {
            var state = fullStates.GetValueOrDefault(id);
            var visibility = HistoryVisibility.Normalise(state is not null &&
                                                         state.TryGetValue(VisibilityKey, out var visibilityId)
                ? visibilityEvents.GetValueOrDefault(visibilityId)?.ContentString("history_visibility")
                : null);
            var memberships = state?.Where(e => IsServersMember(e.Key, suffix))
                .Select(e => members.GetValueOrDefault(e.Value)?.Membership) ?? [];
            if (memberships.Any(m => m == Memberships.Join ||
                                     (m == Memberships.Invite && visibility == HistoryVisibility.Invited)))
            {
                visible.Add(id);
            }
        }

        return visible;
    }

    /// <summary>The events as PDUs for <paramref name="server"/>, in the same order: whole when it may see them,
    /// redacted otherwise.</summary>
    public async Task<IReadOnlyList<JsonObject>> ServeAsync(ServerName server, IReadOnlyList<StoredEvent> events,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var visible = await VisibleAsync(server, events, cancellationToken);
        return events.Select(e => FederationPduJson.Of(e, visible.Contains(e.Pdu.EventId))).ToList();
    }

    private static bool IsServersMember(TypeAndStateKey key, string suffix)
    {
        if (key.Type != EventTypes.Member)
        {
            return false;
        }

        var colon = key.StateKey.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && key.StateKey.AsSpan(colon).SequenceEqual(suffix);
    }

    private async Task<Dictionary<string, Pdu>> LoadAsync(IEnumerable<string> eventIds,
        CancellationToken cancellationToken)
    {
        var distinct = eventIds.ToHashSet(StringComparer.Ordinal);
        return distinct.Count == 0
            ? new Dictionary<string, Pdu>(StringComparer.Ordinal)
            : (await reader.GetEventsAsync(distinct, cancellationToken))
            .ToDictionary(e => e.Pdu.EventId, e => e.Pdu, StringComparer.Ordinal);
    }
}
