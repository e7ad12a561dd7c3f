using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Admin;

/// <summary><c>/_synapse/admin/v2/users/{userId}/devices</c>: any local user's devices, as Synapse shows them to
/// admins; renames and deletions tell the device-list observers like the user's own would.</summary>
public sealed class AdminDeviceService(
    ISessionStore sessions,
    IAdminUserStore users,
    AdminTargets targets,
    DeviceActivityTracker activity,
    IEnumerable<IDeviceListObserver> deviceObservers)
{
    public async Task<JsonObject> ListAsync(string userId, CancellationToken cancellationToken)
    {
        var target = await TargetAsync(userId, cancellationToken);
        var devices = await sessions.GetDevicesAsync(target, cancellationToken);
        return new JsonObject
        {
            ["devices"] = new JsonArray(devices.Select(d => (JsonNode)ToJson(target, d)).ToArray()),
            ["total"] = devices.Count,
        };
    }

    public async Task<JsonObject> GetAsync(string userId, string deviceId, CancellationToken cancellationToken)
    {
        var target = await TargetAsync(userId, cancellationToken);
        var device = await sessions.GetDeviceAsync(target, deviceId, cancellationToken)
                     ?? throw new MatrixException(ErrorCode.NotFound, "No device found");
        return ToJson(target, device);
    }

    public async Task RenameAsync(string userId, string deviceId, string? displayName, CancellationToken cancellationToken)
    {
        var target = await TargetAsync(userId, cancellationToken);
        if (displayName is { Length: > DeviceService.MaxDisplayNameLength })
        {
            throw new MatrixException(ErrorCode.TooLarge,
                $"A device display name is at most {DeviceService.MaxDisplayNameLength} characters", 400);
        }

        if (!await sessions.SetDeviceDisplayNameAsync(target, deviceId, displayName, cancellationToken))
        {
            throw new MatrixException(ErrorCode.NotFound, "No device found");
        }

        await NotifyAsync(target, cancellationToken);
    }

    /// <summary>Deletes the devices and their tokens; unknown IDs are ignored, as in Synapse.</summary>
    public async Task DeleteAsync(string userId, IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken)
    {
        var target = await TargetAsync(userId, cancellationToken);
        await sessions.DeleteDevicesAsync(target, deviceIds, null, cancellationToken);
        await NotifyAsync(target, cancellationToken);
    }

    private async Task<UserId> TargetAsync(string userId, CancellationToken cancellationToken)
    {
        var target = targets.LocalUser(userId, "Can only lookup local users");
        _ = await users.GetAsync(target, cancellationToken) ?? throw AdminTargets.UserNotFound();
        return target;
    }

    private JsonObject ToJson(UserId userId, Device stored)
    {
        var device = activity.WithPending(userId, stored);
        return new JsonObject
        {
            ["device_id"] = device.DeviceId,
            ["display_name"] = device.DisplayName,
            ["last_seen_ip"] = device.LastSeenIp,
            ["last_seen_ts"] = device.LastSeenTs,
            ["last_seen_user_agent"] = null,
            ["user_id"] = userId.Value,
        };
    }

    private async Task NotifyAsync(UserId target, CancellationToken cancellationToken)
    {
        foreach (var observer in deviceObservers)
        {
            await observer.OnDevicesChangedAsync(target, cancellationToken);
        }
    }
}
