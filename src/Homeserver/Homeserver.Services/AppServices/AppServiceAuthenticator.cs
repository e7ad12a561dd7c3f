using Homeserver.Core.AppServices;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.AppServices;

/// <summary>
/// Identity assertion (Application Service API, "Client-Server API Extensions"): a request carrying an appservice's
/// <c>as_token</c> acts as its sender, or as the user named by <c>?user_id=</c> (in its users namespace, exclusive or
/// not, local and registered), with the device named by <c>?device_id=</c> (MSC4326; MSC3202's unstable name too) when
/// that device is the user's, else without a device. The errors and their messages are Synapse's.
/// </summary>
public sealed class AppServiceAuthenticator(AppServiceRegistry registry, IAccountStore accounts, ISessionStore sessions,
    HomeserverSettings settings, AppServiceSenderAccounts senderAccounts)
{
    public const string UnstableDeviceIdParameter = "org.matrix.msc3202.device_id";

    /// <summary>The query parameters identity assertion reads.</summary>
    public sealed record Assertion(string? UserId, string? DeviceId);

    /// <summary>The appservice whose <c>as_token</c> this is, if any.</summary>
    public AppServiceRegistration? Find(string token) => registry.FindByAsToken(token);

    /// <summary>The requester of a request made with <paramref name="appService"/>'s <c>as_token</c>: 403
    /// <c>M_FORBIDDEN</c> for a user it may not act as, 400 <c>M_UNKNOWN_DEVICE</c> for a device that is not the
    /// user's.</summary>
    public async Task<Requester> AuthenticateAsync(AppServiceRegistration appService, Assertion assertion,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appService);
        ArgumentNullException.ThrowIfNull(assertion);
        var (userId, isAdmin) = assertion.UserId is null || assertion.UserId == appService.Sender.Value
            ? await SenderAsync(appService, cancellationToken)
            : await MasqueradedUserAsync(appService, assertion.UserId, cancellationToken);
        string? deviceId = null;
        if (assertion.DeviceId is { } wanted)
        {
            deviceId = await sessions.GetDeviceAsync(userId, wanted, cancellationToken) is not null
                ? wanted
                : throw new MatrixException(ErrorCode.UnknownDevice,
                    $"Application service trying to use a device that doesn't exist ('{wanted}' for {userId.Value})");
        }

        return new Requester(userId, deviceId, IsGuest: false, isAdmin, AccessTokenId: null) { AppService = appService };
    }

    private async Task<(UserId, bool IsAdmin)> MasqueradedUserAsync(AppServiceRegistration appService, string wanted,
        CancellationToken cancellationToken)
    {
        if (!appService.IsInterestedInUser(wanted) || !UserId.TryParse(wanted, out var userId, out _) ||
            userId.Domain != settings.ServerName)
        {
            throw new MatrixException(ErrorCode.Forbidden, $"Application service cannot masquerade as this user ({wanted}).");
        }

        var account = await accounts.GetUserAsync(userId, cancellationToken)
                      ?? throw new MatrixException(ErrorCode.Forbidden,
                          $"Application service has not registered this user ({wanted})");
        return (account.UserId, account.IsAdmin);
    }

    private async Task<(UserId, bool IsAdmin)> SenderAsync(AppServiceRegistration appService,
        CancellationToken cancellationToken)
    {
        // Made at start; also here, in case it was removed from the database while the server ran.
        var account = await senderAccounts.EnsureAsync(appService, cancellationToken);
        return (account.UserId, account.IsAdmin);
    }
}
