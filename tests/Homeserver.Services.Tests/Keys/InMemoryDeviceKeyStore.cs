using Homeserver.Services.Keys;

namespace Homeserver.Services.Tests.Keys;

/// <summary>One-time and fallback keys in memory, counting the inventory reads; <see cref="DuringRead"/> runs inside
/// a read, after the inventory was taken (to race a change with it).</summary>
public sealed class InMemoryDeviceKeyStore : IDeviceKeyStore
{
    private readonly Dictionary<(string User, string Device), List<UploadedKey>> _oneTime = [];
    private readonly Dictionary<(string User, string Device), Dictionary<string, (UploadedKey Key, bool Used)>> _fallback = [];

    public int InventoryReads { get; private set; }

    public Action? DuringRead { get; set; }

    /// <summary>Devices that still exist; <see cref="DeleteOrphanedKeysAsync"/> drops the keys of the others.</summary>
    public HashSet<(string User, string Device)> Devices { get; } = [];

    public Task<(IReadOnlyDictionary<string, int> OneTimeKeyCounts, IReadOnlyList<string> UnusedFallbackAlgorithms)>
        GetKeyInventoryAsync(string userId, string deviceId, CancellationToken cancellationToken)
    {
        InventoryReads++;
        IReadOnlyDictionary<string, int> counts = _oneTime.GetValueOrDefault((userId, deviceId), [])
            .GroupBy(k => k.Algorithm, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        IReadOnlyList<string> fallback = _fallback.GetValueOrDefault((userId, deviceId), [])
            .Where(f => !f.Value.Used).Select(f => f.Key).Order(StringComparer.Ordinal).ToList();
        DuringRead?.Invoke();
        return Task.FromResult((counts, fallback));
    }

    public Task<string?> AddOneTimeKeysAsync(string userId, string deviceId, IReadOnlyList<UploadedKey> keys,
        CancellationToken cancellationToken)
    {
        Devices.Add((userId, deviceId));
        if (!_oneTime.TryGetValue((userId, deviceId), out var held))
        {
            _oneTime[(userId, deviceId)] = held = [];
        }

        held.AddRange(keys);
        return Task.FromResult<string?>(null);
    }

    public Task SetFallbackKeysAsync(string userId, string deviceId, IReadOnlyList<UploadedKey> keys,
        CancellationToken cancellationToken)
    {
        Devices.Add((userId, deviceId));
        if (!_fallback.TryGetValue((userId, deviceId), out var held))
        {
            _fallback[(userId, deviceId)] = held = new Dictionary<string, (UploadedKey, bool)>(StringComparer.Ordinal);
        }

        foreach (var key in keys)
        {
            held[key.Algorithm] = (key, false);
        }

        return Task.CompletedTask;
    }

    public Task<ClaimedKey?> ClaimAsync(string userId, string deviceId, string algorithm,
        CancellationToken cancellationToken)
    {
        if (_oneTime.GetValueOrDefault((userId, deviceId))?.FirstOrDefault(k => k.Algorithm == algorithm) is { } key)
        {
            _oneTime[(userId, deviceId)].Remove(key);
            return Task.FromResult<ClaimedKey?>(new ClaimedKey(key.Algorithm, key.KeyId, key.Json, false));
        }

        if (_fallback.GetValueOrDefault((userId, deviceId)) is { } fallback &&
            fallback.TryGetValue(algorithm, out var found))
        {
            fallback[algorithm] = (found.Key, true);
            return Task.FromResult<ClaimedKey?>(new ClaimedKey(algorithm, found.Key.KeyId, found.Key.Json, true));
        }

        return Task.FromResult<ClaimedKey?>(null);
    }

    public Task DeleteOrphanedKeysAsync(string userId, CancellationToken cancellationToken)
    {
        foreach (var device in _oneTime.Keys.Concat(_fallback.Keys).Where(d => !Devices.Contains(d)).ToList())
        {
            _oneTime.Remove(device);
            _fallback.Remove(device);
        }

        return Task.CompletedTask;
    }

    public Task<bool> SetDeviceKeysAsync(string userId, string deviceId, string keyJson,
        CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<IReadOnlyDictionary<string, int>> CountOneTimeKeysAsync(string userId, string deviceId,
        CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<StoredDeviceKeys>> GetDeviceKeysAsync(IReadOnlyCollection<string> userIds,
        CancellationToken cancellationToken) => throw new NotSupportedException();
}
