using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.OAuth;

/// <summary>
/// The account management web UI that clients deep-link to (spec "Account management", MSC4191): the signed-in
/// browser's devices, one device, and signing a device out. Signing in is the OAuth login page's password check.
/// </summary>
public sealed class AccountManagementPages(
    ISessionStore sessions,
    IBrowserSessionStore browserSessions,
    LoginService logins,
    IEnumerable<IDeviceListObserver> deviceObservers,
    UserInteractiveAuth uia)
{
    public const string DevicesList = "org.matrix.devices_list";
    public const string DeviceView = "org.matrix.device_view";
    public const string DeviceDelete = "org.matrix.device_delete";
    public const string CrossSigningReset = "org.matrix.cross_signing_reset";
    public const string CrossSigningUploadPath = "/keys/device_signing/upload";

    public static readonly IReadOnlyList<string> SupportedActions = [DevicesList, DeviceView, DeviceDelete, CrossSigningReset];

    /// <summary>The user approved replacing their cross-signing keys: completes the <c>m.oauth</c> stage of the
    /// upload's UIA session.</summary>
    public Task<bool> ApproveCrossSigningResetAsync(UserId userId, string sessionId, CancellationToken cancellationToken) =>
        uia.CompleteOAuthStageAsync(sessionId, userId, CrossSigningUploadPath, cancellationToken);

    /// <returns>Null when signed in, else why not (shown on the login form again).</returns>
    public async Task<string?> LogInAsync(BrowserSession session, string? user, string? password, string clientAddress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (string.IsNullOrWhiteSpace(user) || string.IsNullOrEmpty(password))
        {
            return "Enter your username and password.";
        }

        try
        {
            var userId = await logins.VerifyPasswordAsync(user.Trim(), password, clientAddress, cancellationToken);
            await browserSessions.SetUserAsync(session.SessionHash, userId, cancellationToken);
            return null;
        }
        catch (Homeserver.Core.Errors.MatrixException e)
        {
            return e.Code == Homeserver.Core.Errors.ErrorCode.LimitExceeded
                ? "Too many attempts; wait a little and try again."
                : "Wrong username or password.";
        }
    }

    public Task LogOutAsync(BrowserSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return browserSessions.SetUserAsync(session.SessionHash, null, cancellationToken);
    }

    public Task<IReadOnlyList<Device>> DevicesAsync(UserId userId, CancellationToken cancellationToken) =>
        sessions.GetDevicesAsync(userId, cancellationToken);

    public Task<Device?> DeviceAsync(UserId userId, string deviceId, CancellationToken cancellationToken) =>
        sessions.GetDeviceAsync(userId, deviceId, cancellationToken);

    /// <summary>Signs the device out: deletes it with its tokens, as <c>DELETE /devices/{deviceId}</c> does.</summary>
    public async Task DeleteDeviceAsync(UserId userId, string deviceId, CancellationToken cancellationToken)
    {
        await sessions.DeleteDevicesAsync(userId, [deviceId], null, cancellationToken);
        await deviceObservers.NotifyAsync(userId, cancellationToken);
    }
}
