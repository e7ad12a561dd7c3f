using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Federation.Edus;
using Homeserver.Services.Sync;

namespace Homeserver.Services.Keys;

/// <summary>
/// Device lists: records each change of a user's devices or keys on the device list stream and wakes the syncs of
/// the user and of everyone sharing a room with them; works out, for a user between two sync tokens, who changed
/// and who no longer shares a room (the device_lists of /sync and GET /keys/changes). When devices go, their keys
/// and to-device inboxes go with them. A local user's change goes to every server sharing a room with them as an
/// <c>m.device_list_update</c>; this server keeps no copy of other servers' device lists (key queries ask them), so
/// every update names no previous IDs, which tells the receiver to fetch the whole list again (/user/devices): our
/// stream records that a user's devices changed, not which device.
/// </summary>
public sealed class DeviceListService(IDeviceListStore store, IDeviceKeyStore keys, IToDeviceStore toDevice,
    ISyncReader memberships, SyncNotifier notifier, FederationEdus? federation = null) : IDeviceListObserver
{
    /// <summary>Users to tell a client about: their devices changed, or they no longer share a room with it.</summary>
    public sealed record Changes(IReadOnlyList<string> Changed, IReadOnlyList<string> Left);

    public async Task OnDevicesChangedAsync(UserId userId, CancellationToken cancellationToken)
    {
        await keys.DeleteOrphanedKeysAsync(userId.Value, cancellationToken);
        await toDevice.DeleteOrphanedInboxesAsync(userId.Value, cancellationToken);
        await RecordChangeAsync(userId, cancellationToken);
    }

    /// <summary>Records that the user's devices or keys changed, and wakes the syncs that should hear of it.</summary>
    public async Task RecordChangeAsync(UserId userId, CancellationToken cancellationToken)
    {
        var position = await store.AddChangeAsync([userId.Value], cancellationToken);
        notifier.NotifyUser(userId.Value);
        foreach (var room in await memberships.GetMembershipsAsync(userId.Value, cancellationToken))
        {
            if (room.Membership == Memberships.Join)
            {
                notifier.NotifyRoom(room.RoomId);
            }
        }

        if (federation is not null && federation.IsLocal(userId.Value))
        {
            await federation.ToServersSharingRoomsWithAsync(userId.Value, EduTypes.DeviceListUpdate,
                new JsonObject
                {
                    ["user_id"] = userId.Value,
                    ["device_id"] = "",
                    ["stream_id"] = position,
                    ["prev_id"] = new JsonArray(),
                    ["deleted"] = false,
                }, cancellationToken);
        }
    }

    /// <summary>
    /// Between two tokens: <c>changed</c> holds the user and everyone sharing a room with them whose devices or keys
    /// changed, and those who started sharing a room with them; <c>left</c> those who shared one and no longer do.
    /// </summary>
    /// <param name="membershipsChangedAt">When known, the event position of the newest membership change anywhere:
    /// no membership changed after it, so none is looked for.</param>
    public async Task<Changes> GetChangesAsync(string userId, SyncToken since, SyncToken upTo,
        CancellationToken cancellationToken, long? membershipsChangedAt = null)
    {
        // Most syncs are woken by room events: look only at what moved, and at room-mates only when needed.
        var membershipChanges = since.Events == upTo.Events || membershipsChangedAt <= since.Events
            ? new HashSet<string>()
            : await store.GetMembershipChangesAsync(userId, since.Events, upTo.Events, cancellationToken);
        var devicesMoved = since.DeviceLists != upTo.DeviceLists;
        if (membershipChanges.Count == 0 && !devicesMoved)
        {
            return new Changes([], []);
        }

        var roomMates = await store.GetRoomMatesAsync(userId, cancellationToken);
        var changed = devicesMoved
            ? (await store.GetChangedAsync(roomMates.Append(userId).ToHashSet(StringComparer.Ordinal),
                since.DeviceLists, upTo.DeviceLists, cancellationToken)).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
        var left = new List<string>();
        foreach (var user in membershipChanges)
        {
            if (roomMates.Contains(user))
            {
                changed.Add(user);
            }
            else if (user != userId)
            {
                left.Add(user);
            }
        }

        return new Changes(changed.Order(StringComparer.Ordinal).ToList(), left.Order(StringComparer.Ordinal).ToList());
    }
}
