using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Admin;

/// <summary>
/// What an admin does to one account: deactivate (and erase), set the password, log in as the user, shadow-ban, list
/// its joined rooms. The same effects as the user's own actions (hooks and device-list observers run), without
/// user-interactive auth.
/// </summary>
public sealed class AdminAccountActions(
    IAccountStore accounts,
    ISessionStore sessions,
    IAdminUserStore users,
    AdminTargets targets,
    PasswordHashing passwords,
    SessionIssuer issuer,
    TimeProvider time,
    IEnumerable<IAccountDeactivationHook> deactivationHooks,
    IEnumerable<IDeviceListObserver> deviceObservers)
{
    public async Task DeactivateAsync(string userId, bool erase, CancellationToken cancellationToken)
    {
        var target = targets.LocalUser(userId, "Can only deactivate local users");
        _ = await users.GetAsync(target, cancellationToken) ?? throw AdminTargets.UserNotFound();
        await DeactivateAsync(target, erase, cancellationToken);
    }

    public async Task DeactivateAsync(UserId target, bool erase, CancellationToken cancellationToken)
    {
        await accounts.DeactivateAsync(target, erase, cancellationToken);
        foreach (var hook in deactivationHooks)
        {
            await hook.OnDeactivatedAsync(target, erase, cancellationToken);
        }

        await NotifyDevicesAsync(target, cancellationToken);
    }

    public async Task ResetPasswordAsync(string userId, string newPassword, bool logoutDevices,
        CancellationToken cancellationToken)
    {
        var target = targets.LocalUser(userId, "Can only change local users' passwords");
        var user = await users.GetAsync(target, cancellationToken) ?? throw AdminTargets.UserNotFound();
        if (user.Deactivated)
        {
            throw new MatrixException(ErrorCode.Unknown, "The user is deactivated");
        }

        await SetPasswordAsync(target, newPassword, logoutDevices, cancellationToken);
    }

    /// <summary>Sets the password; with <paramref name="logoutDevices"/> every device and token of the user goes.</summary>
    public async Task SetPasswordAsync(UserId target, string newPassword, bool logoutDevices,
        CancellationToken cancellationToken)
    {
        if (newPassword.Length is 0 or > RegistrationService.MaxPasswordLength)
        {
            throw new MatrixException(ErrorCode.Unknown, "Invalid password");
        }

        await accounts.SetPasswordHashAsync(target, await passwords.HashAsync(newPassword, cancellationToken),
            cancellationToken);
        if (logoutDevices)
        {
            await sessions.DeleteDevicesAsync(target, null, null, cancellationToken);
            await NotifyDevicesAsync(target, cancellationToken);
        }
    }

    /// <summary>
    /// An access token of the user for the admin (Synapse's "login as user"), on a device of its own named "Admin
    /// login" (our tokens always belong to a device, so unlike Synapse's it shows in the user's device list), expiring
    /// at <paramref name="validUntilMs"/> when given. Never for oneself.
    /// </summary>
    public async Task<string> LoginAsAsync(Requester requester, string userId, long? validUntilMs,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var target = targets.LocalUser(userId, "Only local users can be logged in as");
        if (target == requester.UserId)
        {
            throw new MatrixException(ErrorCode.Unknown, "Cannot use admin API to login as self");
        }

        var user = await users.GetAsync(target, cancellationToken) ?? throw AdminTargets.UserNotFound();
        if (user.Deactivated)
        {
            throw new MatrixException(ErrorCode.Unknown, "The user is deactivated");
        }

        var issued = issuer.Issue(refreshable: false);
        var hashes = issued.Hashes with { AccessTokenExpiresTs = validUntilMs };
        await sessions.StartSessionAsync(target, new NewSession(Tokens.NewDeviceId(), "Admin login", hashes),
            time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        await NotifyDevicesAsync(target, cancellationToken);
        return issued.AccessToken;
    }

    public async Task SetShadowBannedAsync(string userId, bool shadowBanned, CancellationToken cancellationToken)
    {
        var target = targets.LocalUser(userId, "Only local users can be shadow-banned");
        _ = await users.GetAsync(target, cancellationToken) ?? throw AdminTargets.UserNotFound();
        await users.SetShadowBannedAsync(target, shadowBanned, cancellationToken);
    }

    public async Task<JsonObject> JoinedRoomsAsync(string userId, CancellationToken cancellationToken)
    {
        var target = targets.LocalUser(userId);
        _ = await users.GetAsync(target, cancellationToken) ?? throw AdminTargets.UserNotFound();
        var rooms = await users.JoinedRoomsAsync(target, cancellationToken);
        return new JsonObject
        {
            ["joined_rooms"] = new JsonArray(rooms.Select(r => (JsonNode)r).ToArray()),
            ["total"] = rooms.Count,
        };
    }

    private async Task NotifyDevicesAsync(UserId target, CancellationToken cancellationToken)
    {
        foreach (var observer in deviceObservers)
        {
            await observer.OnDevicesChangedAsync(target, cancellationToken);
        }
    }
}
