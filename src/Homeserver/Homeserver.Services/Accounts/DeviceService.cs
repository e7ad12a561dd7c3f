using Homeserver.Core.Errors;

namespace Homeserver.Services.Accounts;

/// <summary>
/// A user's devices as the device management API shows them: as stored, with the newer last-seen sightings this
/// process has not written yet (other processes' sightings arrive when they flush, within seconds).
/// </summary>
public sealed class DeviceService(ISessionStore sessions, DeviceActivityTracker activity, TimeProvider time,
    IEnumerable<IDeviceListObserver> deviceObservers)
{
    /// <summary>Longest device display name accepted, in characters (Synapse's limit too).</summary>
    public const int MaxDisplayNameLength = 100;

    public async Task<IReadOnlyList<Device>> GetDevicesAsync(Requester requester, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var devices = await sessions.GetDevicesAsync(requester.UserId, cancellationToken);
        return devices.Select(d => activity.WithPending(requester.UserId, d)).ToList();
    }

    public async Task<Device> GetDeviceAsync(Requester requester, string deviceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var device = await sessions.GetDeviceAsync(requester.UserId, deviceId, cancellationToken)
                     ?? throw UnknownDevice();
        return activity.WithPending(requester.UserId, device);
    }

    /// <summary>Updates one of the requester's devices: its display name when <paramref name="setDisplayName"/>
    /// (null clears it), otherwise nothing, but the device must exist either way. An appservice creates the device
    /// when it does not (MSC4190, spec 1.17).</summary>
    /// <returns>True when the device was created.</returns>
    public async Task<bool> UpdateAsync(Requester requester, string deviceId, bool setDisplayName, string? displayName,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (displayName is { Length: > MaxDisplayNameLength })
        {
            throw new MatrixException(ErrorCode.TooLarge,
                $"A device display name is at most {MaxDisplayNameLength} characters", 400);
        }

        if (requester.AppService is not null)
        {
            var created = await sessions.UpsertDeviceAsync(requester.UserId, deviceId,
                setDisplayName ? displayName : null, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
            if (created || setDisplayName)
            {
                await deviceObservers.NotifyAsync(requester.UserId, cancellationToken);
            }

            return created;
        }

        if (!setDisplayName)
        {
            await GetDeviceAsync(requester, deviceId, cancellationToken);
            return false;
        }

        if (!await sessions.SetDeviceDisplayNameAsync(requester.UserId, deviceId, displayName, cancellationToken))
        {
            throw UnknownDevice();
        }

        await deviceObservers.NotifyAsync(requester.UserId, cancellationToken);
        return false;
    }

    private static MatrixException UnknownDevice() => new(ErrorCode.NotFound, "No device with this ID");
}
