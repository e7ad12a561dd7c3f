using System.Collections.Concurrent;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Accounts;

/// <summary>
/// Last-seen address and time of each device, kept in memory and written in batches (<see cref="FlushAsync"/>)
/// rather than with a write per request.
/// </summary>
public sealed class DeviceActivityTracker(ISessionStore sessions, TimeProvider time)
{
    private ConcurrentDictionary<(UserId, string), DeviceActivity> _pending = new();

    public void Record(Requester requester, string? ip)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (requester.DeviceId is not { } deviceId)
        {
            return;
        }

        var activity = new DeviceActivity(requester.UserId, deviceId, ip, time.GetUtcNow().ToUnixTimeMilliseconds());
        _pending[(requester.UserId, deviceId)] = activity;
    }

    /// <summary>What this process has seen of the device and not written yet, if anything.</summary>
    public DeviceActivity? Pending(UserId userId, string deviceId) =>
        _pending.TryGetValue((userId, deviceId), out var activity) ? activity : null;

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var batch = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<(UserId, string), DeviceActivity>());
        if (!batch.IsEmpty)
        {
            await sessions.RecordLastSeenAsync(batch.Values.ToList(), cancellationToken);
        }
    }

    /// <summary>A device as stored, with this process's newer sighting applied.</summary>
    public Device WithPending(UserId userId, Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return Pending(userId, device.DeviceId) is { } seen && (device.LastSeenTs is null || seen.Ts > device.LastSeenTs)
            ? device with { LastSeenTs = seen.Ts, LastSeenIp = seen.Ip }
            : device;
    }
}
