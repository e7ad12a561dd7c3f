using System.Text.Json.Nodes;
using Homeserver.Services.Sync;

namespace Homeserver.Services.Keys;

/// <summary>
/// <c>device_lists</c> in an incremental /sync (see <see cref="DeviceListService.GetChangesAsync"/>), and in every
/// sync the syncing device's <c>device_one_time_keys_count</c> and <c>device_unused_fallback_key_types</c> (not a
/// stream: they never make a long-poll return by themselves).
/// </summary>
public sealed class DeviceListSyncSection(DeviceListService deviceLists, KeyService keys) : ISyncSection
{
    public SyncStreamKind Kind => SyncStreamKind.DeviceLists;

    public async Task<bool> AddToResponseAsync(SyncSectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var changes = request.Since is { } since
            ? await deviceLists.GetChangesAsync(request.Requester.UserId.Value, since, request.Now, cancellationToken,
                request.MembershipsChangedAt)
            : new DeviceListService.Changes([], []);
        context.Response["device_lists"] = ToJson(changes);
        return changes.Changed.Count > 0 || changes.Left.Count > 0;
    }

    public async Task CompleteAsync(SyncSectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (counts, fallbackTypes) = await keys.SyncFieldsAsync(context.Request.Requester, cancellationToken);
        context.Response["device_one_time_keys_count"] = counts;
        context.Response["device_unused_fallback_key_types"] = fallbackTypes;
    }

    public static JsonObject ToJson(DeviceListService.Changes changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return new JsonObject
        {
            ["changed"] = new JsonArray(changes.Changed.Select(u => (JsonNode?)u).ToArray()),
            ["left"] = new JsonArray(changes.Left.Select(u => (JsonNode?)u).ToArray()),
        };
    }
}
