using System.Text.Json.Nodes;
using Homeserver.Services.Configuration;
using Homeserver.Services.Sync;

namespace Homeserver.Services.Presence;

/// <summary>
/// The <c>presence</c> section of /sync: m.presence events of the user and of everyone sharing a joined room with them,
/// changed since the token (on an initial sync, everyone's current presence except those offline), through the
/// filter's <c>presence</c> section. Nothing when presence is turned off.
/// </summary>
public sealed class PresenceSyncSection(IPresenceStore store, HomeserverSettings settings, TimeProvider time)
    : ISyncSection
{
    public const string EventType = "m.presence";

    public SyncStreamKind Kind => SyncStreamKind.Presence;

    public async Task<bool> AddToResponseAsync(SyncSectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var filter = request.Filter.Presence;
        if (!settings.Presence.Enabled || !filter.MatchesType(EventType))
        {
            return false;
        }

        var initial = request.Since is null;
        if (request.Since?.Presence == request.Now.Presence)
        {
            context.Response["presence"] = new JsonObject { ["events"] = new JsonArray() };
            return false; // the stream did not move: nothing changed for anyone
        }

        var changes = await store.GetChangesAsync(request.Requester.UserId.Value, request.Since?.Presence ?? 0,
            request.Now.Presence, cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var selected = changes
            .Where(p => !(initial && p.Presence == Presences.Offline))
            .Where(p => !filter.NotSenders.Contains(p.UserId, StringComparer.Ordinal) &&
                        (filter.Senders is null || filter.Senders.Contains(p.UserId, StringComparer.Ordinal)))
            .ToList();
        if (request.Filter.PresenceLimit is { } limit && selected.Count > limit)
        {
            selected = selected[^limit..]; // the newest changes
        }

        var events = new JsonArray();
        foreach (var state in selected)
        {
            events.Add(new JsonObject
            {
                ["type"] = EventType,
                ["sender"] = state.UserId,
                ["content"] = PresenceService.Content(state, now),
            });
        }

        context.Response["presence"] = new JsonObject { ["events"] = events };
        return events.Count > 0;
    }
}
