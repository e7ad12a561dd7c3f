using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Social;

/// <summary>OpenID tokens, stored as their SHA-256 hash with an expiry.</summary>
public interface IOpenIdTokenStore
{
    /// <summary>Stores a token and deletes the user's expired ones.</summary>
    Task AddAsync(byte[] tokenHash, UserId userId, long expiresTs, long nowTs, CancellationToken cancellationToken);

    /// <returns>The token's user, or null when it is unknown or expired at <paramref name="nowTs"/>.</returns>
    Task<string?> FindUserAsync(byte[] tokenHash, long nowTs, CancellationToken cancellationToken);
}

/// <summary>Rooms two users are both joined to (current memberships).</summary>
public interface ISharedRoomsReader
{
    Task<bool> ShareARoomAsync(string userId, string otherUserId, CancellationToken cancellationToken);

    /// <summary>Shared rooms in room ID order after <paramref name="afterRoomId"/>, at most <paramref name="limit"/>,
    /// with the number of all shared rooms.</summary>
    Task<(IReadOnlyList<string> RoomIds, int Total)> GetSharedRoomsAsync(string userId, string otherUserId,
        string? afterRoomId, int limit, CancellationToken cancellationToken);
}

/// <summary>A user as the directory search returns it.</summary>
public sealed record DirectoryUser(string UserId, string? DisplayName, string? AvatarUrl);

/// <summary>The user directory: local users' words (profile rows) and the rooms whose members anyone may find.</summary>
public interface IUserDirectoryStore
{
    /// <summary>Users, not deactivated, whose words match every prefix in <paramref name="wordPrefixes"/> and who share
    /// a room with <paramref name="searcher"/> or are joined to a public room; best matches first, at most
    /// <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<DirectoryUser>> SearchAsync(string searcher, IReadOnlyList<string> wordPrefixes, int limit,
        CancellationToken cancellationToken);
}

/// <summary>Told after a local user's display name or avatar changed (stored and committed).</summary>
public interface IProfileChangeObserver
{
    void OnProfileChanged(UserId userId);
}
