using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Tests.AppServices;

/// <summary>Accounts and devices in memory, for what identity assertion reads and writes; the rest is not used.</summary>
internal sealed class InMemoryAccounts : IAccountStore
{
    public Dictionary<UserId, UserAccount> Users { get; } = [];

    public void Add(string userId, bool isAdmin = false) =>
        Users[UserId.Parse(userId)] = new UserAccount(UserId.Parse(userId), null, isAdmin, false, false, false, 0);

    public Task<UserAccount?> GetUserAsync(UserId userId, CancellationToken cancellationToken) =>
        Task.FromResult(Users.GetValueOrDefault(userId));

    public Task<RegistrationOutcome> RegisterAsync(NewAccount account, NewSession? session, string? registrationToken,
        long nowTs, CancellationToken cancellationToken)
    {
        if (!Users.TryAdd(account.UserId, new UserAccount(account.UserId, account.PasswordHash, account.IsAdmin,
                account.IsGuest, false, false, nowTs)))
        {
            return Task.FromResult(RegistrationOutcome.UserInUse);
        }

        return Task.FromResult(RegistrationOutcome.Created);
    }

    public Task<long> NextGuestNumberAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task SetPasswordHashAsync(UserId userId, string passwordHash, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task DeactivateAsync(UserId userId, bool erase, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}

internal sealed class InMemoryDevices : ISessionStore
{
    public HashSet<(UserId, string)> Devices { get; } = [];

    public Task<Device?> GetDeviceAsync(UserId userId, string deviceId, CancellationToken cancellationToken) =>
        Task.FromResult(Devices.Contains((userId, deviceId)) ? new Device(deviceId, null, null, null) : null);

    public Task StartSessionAsync(UserId userId, NewSession session, long nowTs, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<AccessTokenRecord?> FindAccessTokenAsync(byte[] tokenHash, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task MarkAccessTokenUsedAsync(AccessTokenRecord token, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<UserId?> RefreshAsync(byte[] refreshTokenHash, TokenHashes replacement, long nowTs,
        CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task DeleteDevicesAsync(UserId userId, IReadOnlyCollection<string>? deviceIds, string? keepDeviceId,
        CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<Device>> GetDevicesAsync(UserId userId, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<bool> UpsertDeviceAsync(UserId userId, string deviceId, string? displayName, long nowTs,
        CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> SetDeviceDisplayNameAsync(UserId userId, string deviceId, string? displayName,
        CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task RecordLastSeenAsync(IReadOnlyCollection<DeviceActivity> activity, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task AddLoginTokenAsync(byte[] tokenHash, UserId userId, long expiresTs, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<UserId?> ConsumeLoginTokenAsync(byte[] tokenHash, long nowTs, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}
