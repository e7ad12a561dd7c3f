using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Accounts;

/// <summary>Users: creation, lookup, password, deactivation.</summary>
public interface IAccountStore
{
    Task<UserAccount?> GetUserAsync(UserId userId, CancellationToken cancellationToken);

    /// <summary>Creates the user and its profile, and when <paramref name="session"/> is given its first device
    /// and tokens, in one transaction; consumes one use of <paramref name="registrationToken"/> if given.</summary>
    Task<RegistrationOutcome> RegisterAsync(NewAccount account, NewSession? session, string? registrationToken,
        long nowTs, CancellationToken cancellationToken);

    Task<long> NextGuestNumberAsync(CancellationToken cancellationToken);

    Task SetPasswordHashAsync(UserId userId, string passwordHash, CancellationToken cancellationToken);

    /// <summary>Marks the user deactivated, removes its password, devices and tokens (and profile when erasing).</summary>
    Task DeactivateAsync(UserId userId, bool erase, CancellationToken cancellationToken);
}

/// <summary>Devices and their access, refresh and login tokens.</summary>
public interface ISessionStore
{
    /// <summary>Creates or reuses the device and gives it these tokens, revoking any it had.</summary>
    Task StartSessionAsync(UserId userId, NewSession session, long nowTs, CancellationToken cancellationToken);

    Task<AccessTokenRecord?> FindAccessTokenAsync(byte[] tokenHash, CancellationToken cancellationToken);

    /// <summary>Records the first use of an access token, retiring the refresh token it replaced.</summary>
    Task MarkAccessTokenUsedAsync(AccessTokenRecord token, CancellationToken cancellationToken);

    /// <summary>Swaps a refresh token for new tokens; null when the refresh token is unknown or retired.</summary>
    Task<UserId?> RefreshAsync(byte[] refreshTokenHash, TokenHashes replacement, long nowTs,
        CancellationToken cancellationToken);

    /// <summary>Deletes devices (all when <paramref name="deviceIds"/> is null) and their tokens, except one.</summary>
    Task DeleteDevicesAsync(UserId userId, IReadOnlyCollection<string>? deviceIds, string? keepDeviceId,
        CancellationToken cancellationToken);

    Task<IReadOnlyList<Device>> GetDevicesAsync(UserId userId, CancellationToken cancellationToken);

    Task<Device?> GetDeviceAsync(UserId userId, string deviceId, CancellationToken cancellationToken);

    /// <summary>Creates a device without tokens (an appservice's, MSC4190), or, when it exists, sets its display name
    /// if one is given.</summary>
    /// <returns>True when the device was created.</returns>
    Task<bool> UpsertDeviceAsync(UserId userId, string deviceId, string? displayName, long nowTs,
        CancellationToken cancellationToken);

    /// <returns>False when the device does not exist.</returns>
    Task<bool> SetDeviceDisplayNameAsync(UserId userId, string deviceId, string? displayName,
        CancellationToken cancellationToken);

    Task RecordLastSeenAsync(IReadOnlyCollection<DeviceActivity> activity, CancellationToken cancellationToken);

    Task AddLoginTokenAsync(byte[] tokenHash, UserId userId, long expiresTs, CancellationToken cancellationToken);

    /// <summary>Uses up a login token; null when unknown, used or expired.</summary>
    Task<UserId?> ConsumeLoginTokenAsync(byte[] tokenHash, long nowTs, CancellationToken cancellationToken);
}

public sealed record DeviceActivity(UserId UserId, string DeviceId, string? Ip, long Ts);

public interface IRegistrationTokenStore
{
    Task CreateAsync(RegistrationToken token, long nowTs, CancellationToken cancellationToken);

    Task<RegistrationToken?> GetAsync(string token, CancellationToken cancellationToken);
}

public interface IUiaSessionStore
{
    Task CreateAsync(UiaSession session, CancellationToken cancellationToken);

    Task<UiaSession?> GetAsync(string sessionId, CancellationToken cancellationToken);

    Task AddCompletedStageAsync(string sessionId, string stage, string? registrationToken,
        CancellationToken cancellationToken);

    Task DeleteAsync(string sessionId, CancellationToken cancellationToken);
}

/// <summary>Profiles of local users: display name, avatar and custom fields.</summary>
public interface IProfileStore
{
    /// <returns>Null when the user has no profile (there is no such local user).</returns>
    Task<UserProfile?> GetAsync(UserId userId, CancellationToken cancellationToken);

    /// <summary>Locks the profile, applies <paramref name="change"/> (which may throw to refuse it) and stores the
    /// result, all in one transaction.</summary>
    /// <returns>False when the user has no profile.</returns>
    Task<bool> UpdateAsync(UserId userId, Func<UserProfile, UserProfile> change, CancellationToken cancellationToken);
}

/// <summary>Account data, global and per room, each write at a new position of the account data stream.</summary>
public interface IAccountDataStore
{
    /// <param name="roomId">Null for global account data.</param>
    /// <param name="content">A JSON object, stored as given.</param>
    /// <returns>The stream position of this write.</returns>
    Task<long> PutAsync(UserId userId, RoomId? roomId, string type, string content, CancellationToken cancellationToken);

    /// <returns>The JSON object as stored, or null when there is none.</returns>
    Task<string?> GetAsync(UserId userId, RoomId? roomId, string type, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the stored content (null when none) and stores what <paramref name="change"/> makes of it at the next
    /// position, with no other account data write in between, in any process (read-modify-write without lost updates).
    /// <paramref name="change"/> may throw to leave the content as it was.
    /// </summary>
    /// <returns>The stream position of the write.</returns>
    Task<long> UpdateAsync(UserId userId, RoomId? roomId, string type, Func<string?, string> change,
        CancellationToken cancellationToken);

    /// <summary>Deletes all of the user's account data, global and per room.</summary>
    Task DeleteAllAsync(UserId userId, CancellationToken cancellationToken);
}

/// <summary>Runs when an account is deactivated (rooms make the user leave them, keys are deleted, ...).</summary>
public interface IAccountDeactivationHook
{
    Task OnDeactivatedAsync(UserId userId, bool erase, CancellationToken cancellationToken);
}

/// <summary>Told after account data was written (sync wake-ups).</summary>
public interface IAccountDataObserver
{
    void OnAccountDataChanged(string userId);
}

/// <summary>
/// Told after a user's devices changed: one was added (login, registration), removed (logout, deletion,
/// deactivation) or renamed. Keys, to-device inboxes and device lists follow from it.
/// </summary>
public interface IDeviceListObserver
{
    Task OnDevicesChangedAsync(UserId userId, CancellationToken cancellationToken);
}
