namespace Homeserver.Services.Keys.Dehydration;

/// <summary>A user's dehydrated device: its ID and the opaque <c>device_data</c> its creator stored.</summary>
public sealed record StoredDehydratedDevice(string DeviceId, string DeviceData);

public enum DehydratedDevicePut
{
    Stored,

    /// <summary>The device ID belongs to another (not dehydrated) device of the user.</summary>
    DeviceIdTaken,
}

/// <summary>The <c>dehydrated_devices</c> table: at most one per user, each also a row of <c>devices</c>.</summary>
public interface IDehydratedDeviceStore
{
    Task<StoredDehydratedDevice?> GetAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Creates the dehydrated device (a device without tokens) in place of the user's previous one, which
    /// is deleted with its keys and to-device messages.</summary>
    Task<DehydratedDevicePut> PutAsync(string userId, string deviceId, string deviceData, string? displayName,
        long nowTs, CancellationToken cancellationToken);

    /// <summary>Deletes the user's dehydrated device, its keys and its to-device messages.</summary>
    /// <returns>Its ID, or null when there was none.</returns>
    Task<string?> DeleteAsync(string userId, CancellationToken cancellationToken);
}
