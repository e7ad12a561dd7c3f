using System.Collections.Concurrent;
using Homeserver.Services.Accounts;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Keys;

/// <summary>A device's one-time key counts per algorithm and the algorithms of its unused fallback keys.</summary>
public sealed record KeyInventory(IReadOnlyDictionary<string, int> OneTimeKeyCounts,
    IReadOnlyList<string> UnusedFallbackAlgorithms);

/// <summary>
/// Each device's <see cref="KeyInventory"/>, kept in memory until a key of its user changes: every /sync response
/// carries it, and it almost never changes (guests have no keys at all). Per user (<see cref="UserValueCache{T}"/> on
/// <see cref="Channel"/>, so a change in one process drops the copies in the others), the devices read so far. A read
/// that started before a change of the user's keys is not kept. An inventory is kept for <see cref="MaxAge"/> at most:
/// a change message lost while Redis was away must not leave a device told for good that it has keys it lacks (it
/// would never upload more).
/// </summary>
public sealed class KeyInventoryCache(TimeProvider time, ISharedStore? shared = null)
{
    public const string Channel = "keys.inventory";

    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    internal const int Capacity = 200_000;

    internal const int MaxDevicesPerUser = 100;

    private readonly UserValueCache<Devices> _users = new(Channel, Capacity, shared);

    public bool TryGet(string userId, string deviceId, out KeyInventory inventory)
    {
        inventory = null!;
        if (!_users.TryGetValue(userId, out var devices) || !devices.Inventories.TryGetValue(deviceId, out var kept) ||
            time.GetElapsedTime(kept.ReadAt) > MaxAge)
        {
            return false;
        }

        inventory = kept.Inventory;
        return true;
    }

    /// <summary>How many changes of the user's keys this process has heard of; taken before a read.</summary>
    public long VersionOf(string userId) => _users.VersionOf(userId);

    /// <summary>Keeps the device's inventory, read after <see cref="VersionOf"/> returned
    /// <paramref name="versionBefore"/>, unless the user's keys changed since.</summary>
    public void Keep(string userId, string deviceId, KeyInventory inventory, long versionBefore)
    {
        if (!_users.TryGetValue(userId, out var devices))
        {
            // An empty set of devices is never out of date, so it may be kept even if a change races this.
            _users.Keep(userId, new Devices(versionBefore), versionBefore);
            if (!_users.TryGetValue(userId, out devices))
            {
                return;
            }
        }

        if (devices.Version != versionBefore || _users.VersionOf(userId) != versionBefore)
        {
            return;
        }

        if (devices.Inventories.Count >= MaxDevicesPerUser)
        {
            devices.Inventories.Clear();
        }

        var kept = new Kept(inventory, time.GetTimestamp());
        devices.Inventories[deviceId] = kept;
        if (_users.VersionOf(userId) != versionBefore)
        {
            // A change came in while adding: its drop of the user's devices may have run before the add.
            devices.Inventories.TryRemove(KeyValuePair.Create(deviceId, kept));
        }
    }

    /// <summary>A one-time or fallback key of the user changed (after the write committed): drops the user's devices
    /// here and, through the shared store, in the other processes.</summary>
    public void Changed(string userId) => _users.Changed(userId);

    /// <summary>Runs a write of the user's keys, then drops their inventories: also when it failed, since it may have
    /// committed first.</summary>
    public async Task<T> AfterWriteAsync<T>(string userId, Func<Task<T>> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        try
        {
            return await write();
        }
        finally
        {
            Changed(userId);
        }
    }

    /// <inheritdoc cref="AfterWriteAsync{T}"/>
    public Task AfterWriteAsync(string userId, Func<Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        return AfterWriteAsync(userId, async () =>
        {
            await write();
            return true;
        });
    }

    /// <summary>Listens for other processes' changes.</summary>
    public ValueTask<IAsyncDisposable> SubscribeAsync(CancellationToken cancellationToken) =>
        _users.SubscribeAsync(cancellationToken);

    /// <summary>The devices of a user read at one version of the user's keys.</summary>
    private sealed class Devices(long version)
    {
        public long Version { get; } = version;

        public ConcurrentDictionary<string, Kept> Inventories { get; } = new(StringComparer.Ordinal);
    }

    private sealed record Kept(KeyInventory Inventory, long ReadAt);
}
