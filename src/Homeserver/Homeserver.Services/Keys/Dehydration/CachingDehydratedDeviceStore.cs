namespace Homeserver.Services.Keys.Dehydration;

/// <summary>The dehydrated device store, dropping the user's cached key inventories (<see cref="KeyInventoryCache"/>)
/// after each write: replacing or deleting a dehydrated device deletes its one-time and fallback keys.</summary>
public sealed class CachingDehydratedDeviceStore(IDehydratedDeviceStore inner, KeyInventoryCache cache)
    : IDehydratedDeviceStore
{
    public Task<StoredDehydratedDevice?> GetAsync(string userId, CancellationToken cancellationToken) =>
        inner.GetAsync(userId, cancellationToken);

    public Task<DehydratedDevicePut> PutAsync(string userId, string deviceId, string deviceData,
        string? displayName, long nowTs, CancellationToken cancellationToken) =>
        cache.AfterWriteAsync(userId,
            () => inner.PutAsync(userId, deviceId, deviceData, displayName, nowTs, cancellationToken));

    public Task<string?> DeleteAsync(string userId, CancellationToken cancellationToken) =>
        cache.AfterWriteAsync(userId, () => inner.DeleteAsync(userId, cancellationToken));
}
