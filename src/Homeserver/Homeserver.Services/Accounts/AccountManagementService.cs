using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Accounts;

/// <summary>Password changes, deactivation, and device deletion: the operations that need user-interactive auth.</summary>
public sealed class AccountManagementService(
    IAccountStore accounts,
    ISessionStore sessions,
    UserInteractiveAuth uia,
    PasswordHashing passwords,
    IEnumerable<IAccountDeactivationHook> deactivationHooks,
    IEnumerable<IDeviceListObserver> deviceObservers)
{
    public static readonly IReadOnlyList<UiaFlow> PasswordFlows = [new UiaFlow(UiaStages.Password)];

    public async Task ChangePasswordAsync(Requester requester, string newPassword, bool logoutDevices,
        UserInteractiveAuth.Request uiaRequest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(newPassword);
        if (newPassword.Length is 0 or > RegistrationService.MaxPasswordLength)
        {
            throw new MatrixException(ErrorCode.InvalidParam,
                $"A password is 1 to {RegistrationService.MaxPasswordLength} characters");
        }

        await uia.AuthenticateAsync(PasswordFlows, uiaRequest, cancellationToken);
        await accounts.SetPasswordHashAsync(requester.UserId, await passwords.HashAsync(newPassword, cancellationToken),
            cancellationToken);
        if (logoutDevices)
        {
            await sessions.DeleteDevicesAsync(requester.UserId, null, requester.DeviceId, cancellationToken);
            await deviceObservers.NotifyAsync(requester.UserId, cancellationToken);
        }
    }

    public async Task DeactivateAsync(Requester requester, bool erase, UserInteractiveAuth.Request uiaRequest,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        await uia.AuthenticateAsync(PasswordFlows, uiaRequest, cancellationToken);
        await accounts.DeactivateAsync(requester.UserId, erase, cancellationToken);
        foreach (var hook in deactivationHooks)
        {
            await hook.OnDeactivatedAsync(requester.UserId, erase, cancellationToken);
        }

        await deviceObservers.NotifyAsync(requester.UserId, cancellationToken);
    }

    /// <summary>Deletes devices of the requester, after user-interactive auth unless an appservice asks (MSC4190,
    /// spec 1.17: appservices manage their users' devices without it).</summary>
    public async Task DeleteDevicesAsync(Requester requester, IReadOnlyCollection<string> deviceIds,
        UserInteractiveAuth.Request uiaRequest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (requester.AppService is null)
        {
            await uia.AuthenticateAsync(PasswordFlows, uiaRequest, cancellationToken);
        }

        await sessions.DeleteDevicesAsync(requester.UserId, deviceIds, null, cancellationToken);
        await deviceObservers.NotifyAsync(requester.UserId, cancellationToken);
    }

    public async Task<(string Token, long ExpiresInMs)> AuthorizeLoginTokenAsync(Requester requester,
        LoginService logins, UserInteractiveAuth.Request uiaRequest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(logins);
        await uia.AuthenticateAsync(PasswordFlows, uiaRequest, cancellationToken);
        return await logins.CreateLoginTokenAsync(requester.UserId, cancellationToken);
    }

    public Task<UserAccount?> GetUserAsync(UserId userId, CancellationToken cancellationToken) =>
        accounts.GetUserAsync(userId, cancellationToken);
}
