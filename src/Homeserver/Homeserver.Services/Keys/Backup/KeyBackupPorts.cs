namespace Homeserver.Services.Keys.Backup;

/// <summary>A backup version as stored, with the number of keys it holds.</summary>
public sealed record BackupVersion(long Version, string Algorithm, string AuthData, long Etag, long Count);

/// <summary>One room key in a backup: its metadata in the clear, <see cref="SessionData"/> encrypted by the client.</summary>
public sealed record BackedUpKey(string RoomId, string SessionId, long FirstMessageIndex, long ForwardedCount,
    bool IsVerified, string SessionData);

/// <summary>Which keys of a backup a read or delete is about: all, a room's, or one session's.</summary>
public sealed record BackupKeyScope(string? RoomId, string? SessionId)
{
    public static readonly BackupKeyScope All = new(null, null);
}

public enum BackupWriteStatus
{
    Done,
    NoSuchVersion,
    NotCurrentVersion,
}

/// <summary>The outcome of a write to a backup's keys: its key count and etag after it, or why nothing was written
/// (with the current version, when there is one).</summary>
public sealed record BackupWriteResult(BackupWriteStatus Status, long Count, long Etag, long? CurrentVersion);

public enum BackupVersionUpdate
{
    Updated,
    NoSuchVersion,
    AlgorithmDiffers,
}

/// <summary>Users' key backups: versions (the newest not deleted is current) and the room keys in them.</summary>
public interface IKeyBackupStore
{
    /// <summary>Creates a version, which becomes the current one.</summary>
    Task<long> CreateVersionAsync(string userId, string algorithm, string authData, CancellationToken cancellationToken);

    /// <summary>The version (the current one when null), or null when it does not exist or was deleted.</summary>
    Task<BackupVersion?> GetVersionAsync(string userId, long? version, CancellationToken cancellationToken);

    Task<BackupVersionUpdate> UpdateAuthDataAsync(string userId, long version, string algorithm, string authData,
        CancellationToken cancellationToken);

    /// <summary>Marks the version deleted and deletes its keys.</summary>
    /// <returns>False when the version never existed (deleting a deleted one again is fine).</returns>
    Task<bool> DeleteVersionAsync(string userId, long version, CancellationToken cancellationToken);

    /// <summary>Stores keys in the version if it is the current one. A key for a session already held replaces it
    /// only when it is better: verified over unverified, then the lower first message index, then the lower forwarded
    /// count (else the stored key stays); the etag moves when anything changed. Sessions are distinct.</summary>
    Task<BackupWriteResult> PutKeysAsync(string userId, long version, IReadOnlyList<BackedUpKey> keys,
        CancellationToken cancellationToken);

    /// <summary>The keys in scope, or null when the version does not exist or was deleted.</summary>
    Task<IReadOnlyList<BackedUpKey>?> GetKeysAsync(string userId, long version, BackupKeyScope scope,
        CancellationToken cancellationToken);

    /// <summary>Deletes the keys in scope (the etag moves when any were deleted).</summary>
    Task<BackupWriteResult> DeleteKeysAsync(string userId, long version, BackupKeyScope scope,
        CancellationToken cancellationToken);
}
