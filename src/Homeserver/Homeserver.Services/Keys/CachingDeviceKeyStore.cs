namespace Homeserver.Services.Keys;

/// <summary>
/// The device key store with each device's key inventory (what every /sync reports) served from
/// <see cref="KeyInventoryCache"/>. Every write of one-time or fallback keys goes through here and drops the user's
/// cached inventories once it is done (also when it failed: it may have committed before failing).
/// </summary>
public sealed class CachingDeviceKeyStore(IDeviceKeyStore inner, KeyInventoryCache cache) : IDeviceKeyStore
{
    public async Task<(IReadOnlyDictionary<string, int> OneTimeKeyCounts, IReadOnlyList<string> UnusedFallbackAlgorithms)>
        GetKeyInventoryAsync(string userId, string deviceId, CancellationToken cancellationToken)
    {
        if (!cache.TryGet(userId, deviceId, out var inventory))
        {
            var versionBefore = cache.VersionOf(userId);
            var (counts, fallback) = await inner.GetKeyInventoryAsync(userId, deviceId, cancellationToken);
            inventory = new KeyInventory(counts.ToDictionary(StringComparer.Ordinal).AsReadOnly(),
                fallback.ToList().AsReadOnly());
            cache.Keep(userId, deviceId, inventory, versionBefore);
        }

        return (inventory.OneTimeKeyCounts, inventory.UnusedFallbackAlgorithms);
    }

    public Task<string?> AddOneTimeKeysAsync(string userId, string deviceId, IReadOnlyList<UploadedKey> keys,
        CancellationToken cancellationToken) =>
        cache.AfterWriteAsync(userId, () => inner.AddOneTimeKeysAsync(userId, deviceId, keys, cancellationToken));

    public Task SetFallbackKeysAsync(string userId, string deviceId, IReadOnlyList<UploadedKey> keys,
        CancellationToken cancellationToken) =>
        cache.AfterWriteAsync(userId, () => inner.SetFallbackKeysAsync(userId, deviceId, keys, cancellationToken));

    public async Task<ClaimedKey?> ClaimAsync(string userId, string deviceId, string algorithm,
        CancellationToken cancellationToken)
    {
        ClaimedKey? claimed;
        try
        {
            claimed = await inner.ClaimAsync(userId, deviceId, algorithm, cancellationToken);
        }
        catch
        {
            cache.Changed(userId); // it may have committed before failing
            throw;
        }

        // A claim that found nothing changed nothing (claims of keyless devices are common).
        if (claimed is not null)
        {
            cache.Changed(userId);
        }

        return claimed;
    }

    public Task DeleteOrphanedKeysAsync(string userId, CancellationToken cancellationToken) =>
        cache.AfterWriteAsync(userId, () => inner.DeleteOrphanedKeysAsync(userId, cancellationToken));

    public Task<bool> SetDeviceKeysAsync(string userId, string deviceId, string keyJson,
        CancellationToken cancellationToken) => inner.SetDeviceKeysAsync(userId, deviceId, keyJson, cancellationToken);

    public Task<IReadOnlyDictionary<string, int>> CountOneTimeKeysAsync(string userId, string deviceId,
        CancellationToken cancellationToken) => inner.CountOneTimeKeysAsync(userId, deviceId, cancellationToken);

    public Task<IReadOnlyList<StoredDeviceKeys>> GetDeviceKeysAsync(IReadOnlyCollection<string> userIds,
        CancellationToken cancellationToken) => inner.GetDeviceKeysAsync(userIds, cancellationToken);
}
