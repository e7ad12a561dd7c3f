namespace Homeserver.Services.Keys;

/// <summary>A one-time or fallback key as uploaded: <c>&lt;algorithm&gt;:&lt;key id&gt;</c> and its JSON value.</summary>
public sealed record UploadedKey(string Algorithm, string KeyId, string Json);

/// <summary>A key handed out by a claim: a one-time key (now deleted) or the device's fallback key.</summary>
public sealed record ClaimedKey(string Algorithm, string KeyId, string Json, bool Fallback);

/// <summary>A device's identity keys as stored, with the device's display name.</summary>
public sealed record StoredDeviceKeys(string UserId, string DeviceId, string KeyJson, string? DisplayName);

/// <summary>A signature some user's key made over another key (<see cref="TargetKeyId"/>: a device ID or a master
/// key's public key).</summary>
public sealed record KeySignature(string TargetUserId, string TargetKeyId, string SignerUserId, string SignerKeyId,
    string Signature);

/// <summary>A cross-signing key as stored; <see cref="Usage"/> is master, self_signing or user_signing.</summary>
public sealed record StoredCrossSigningKey(string UserId, string Usage, string KeyJson);

/// <summary>The keys of local devices: identity keys, one-time and fallback keys.</summary>
public interface IDeviceKeyStore
{
    /// <returns>True when the stored keys changed (new, or different from before).</returns>
    Task<bool> SetDeviceKeysAsync(string userId, string deviceId, string keyJson, CancellationToken cancellationToken);

    /// <summary>Adds one-time keys; a key ID already held with the same value is left as it is.</summary>
    /// <returns>The first key ID already held with a different value (nothing is added then), or null.</returns>
    Task<string?> AddOneTimeKeysAsync(string userId, string deviceId, IReadOnlyList<UploadedKey> keys,
        CancellationToken cancellationToken);

    /// <summary>Replaces the fallback key of each algorithm (a re-upload of the same key keeps its used flag).</summary>
    Task SetFallbackKeysAsync(string userId, string deviceId, IReadOnlyList<UploadedKey> keys,
        CancellationToken cancellationToken);

    /// <summary>The number of unclaimed one-time keys per algorithm.</summary>
    Task<IReadOnlyDictionary<string, int>> CountOneTimeKeysAsync(string userId, string deviceId,
        CancellationToken cancellationToken);

    /// <summary>The one-time key counts and the algorithms of fallback keys not yet handed out, in one read (every
    /// /sync sends them).</summary>
    Task<(IReadOnlyDictionary<string, int> OneTimeKeyCounts, IReadOnlyList<string> UnusedFallbackAlgorithms)>
        GetKeyInventoryAsync(string userId, string deviceId, CancellationToken cancellationToken);


    /// <summary>The identity keys of every device of these users that uploaded some.</summary>
    Task<IReadOnlyList<StoredDeviceKeys>> GetDeviceKeysAsync(IReadOnlyCollection<string> userIds,
        CancellationToken cancellationToken);

    /// <summary>Takes the oldest one-time key of the algorithm (each key goes to one claim only), or else marks the
    /// fallback key used and returns it; null when there is neither.</summary>
    Task<ClaimedKey?> ClaimAsync(string userId, string deviceId, string algorithm, CancellationToken cancellationToken);

    /// <summary>Deletes the keys of the user's devices that no longer exist.</summary>
    Task DeleteOrphanedKeysAsync(string userId, CancellationToken cancellationToken);
}

/// <summary>Users' cross-signing keys and the signatures uploaded over keys.</summary>
public interface ICrossSigningKeyStore
{
    Task<IReadOnlyList<StoredCrossSigningKey>> GetCrossSigningKeysAsync(IReadOnlyCollection<string> userIds,
        CancellationToken cancellationToken);

    Task SetCrossSigningKeysAsync(string userId, IReadOnlyList<StoredCrossSigningKey> keys,
        CancellationToken cancellationToken);

    Task AddSignaturesAsync(IReadOnlyList<KeySignature> signatures, CancellationToken cancellationToken);

    Task<IReadOnlyList<KeySignature>> GetSignaturesAsync(IReadOnlyCollection<string> targetUserIds,
        CancellationToken cancellationToken);
}

/// <summary>The device list stream and the room sharing it is reported by.</summary>
public interface IDeviceListStore
{
    /// <summary>Records that these users' devices or keys changed, at a new position.</summary>
    Task<long> AddChangeAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken);

    Task<long> GetPositionAsync(CancellationToken cancellationToken);

    /// <summary>Which of <paramref name="userIds"/> changed in (since, upTo].</summary>
    Task<IReadOnlyList<string>> GetChangedAsync(IReadOnlyCollection<string> userIds, long since, long upTo,
        CancellationToken cancellationToken);

    /// <summary>Every user joined to a room the user is joined to (the user too, when joined anywhere).</summary>
    Task<IReadOnlySet<string>> GetRoomMatesAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Users who may have started or stopped sharing a room with the user in events (since, upTo]: those whose
    /// membership changed in a room the user has a membership of, and the members of rooms whose membership of the
    /// user changed.
    /// </summary>
    Task<IReadOnlySet<string>> GetMembershipChangesAsync(string userId, long since, long upTo,
        CancellationToken cancellationToken);
}
