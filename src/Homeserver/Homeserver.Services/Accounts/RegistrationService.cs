using System.Text.Json;
using Homeserver.Core.AppServices;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.AppServices;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Accounts;

/// <summary>Account registration: user accounts through user-interactive auth, guests without it, and appservices'
/// users with <c>m.login.application_service</c>. Nobody but its appservice registers a user of an exclusive
/// namespace.</summary>
public sealed class RegistrationService(
    HomeserverSettings settings,
    AppServiceRegistry appServices,
    IAccountStore accounts,
    UserInteractiveAuth uia,
    SessionIssuer issuer,
    PasswordHashing passwords,
    TimeProvider time,
    IEnumerable<IDeviceListObserver> deviceObservers)
{
    public const int MaxPasswordLength = 512;
    public const string AppServiceType = "m.login.application_service";

    public sealed record RegisterRequest(string? Username, string? Password, string? DeviceId,
        string? InitialDeviceDisplayName, bool InhibitLogin, bool RefreshToken);

    public sealed record Registered(UserId UserId, string? AccessToken, string? DeviceId, string? RefreshToken,
        long? ExpiresInMs);

    /// <summary>The flows /register offers with the current settings.</summary>
    public IReadOnlyList<UiaFlow> Flows => settings.Registration.RequireToken
        ? [new UiaFlow(UiaStages.RegistrationToken)]
        : [new UiaFlow(UiaStages.Dummy)];

    public async Task<Registered> RegisterUserAsync(RegisterRequest request, UserInteractiveAuth.Request uiaRequest,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!settings.Registration.Enabled)
        {
            throw new MatrixException(ErrorCode.Forbidden, "Registration is disabled");
        }

        if (request.Password is { Length: > MaxPasswordLength })
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"Password too long (at most {MaxPasswordLength} characters)");
        }

        // The spec asks for these checks before user-interactive auth, and again after it.
        UserId? wanted = null;
        if (request.Username is not null)
        {
            wanted = ValidateUsername(request.Username.ToLowerInvariant());
            await EnsureAvailableAsync(wanted.Value, cancellationToken);
        }

        var session = await uia.AuthenticateAsync(Flows, uiaRequest, cancellationToken);
        var userId = wanted ?? GenerateUserId();
        while (appServices.ExclusiveOwnerOfUser(userId.Value) is not null)
        {
            userId = GenerateUserId();
        }

        var passwordHash = request.Password is null
            ? null
            : await passwords.HashAsync(request.Password, cancellationToken);
        return await CreateAsync(new NewAccount(userId, passwordHash, false, false, userId.Localpart),
            request.InhibitLogin ? null : request, session.RegistrationToken, cancellationToken);
    }

    public async Task<Registered> RegisterGuestAsync(string? initialDeviceDisplayName, bool refreshToken,
        CancellationToken cancellationToken)
    {
        if (!settings.Registration.AllowGuests)
        {
            throw new MatrixException(ErrorCode.Forbidden, "Guest access is disabled");
        }

        return await CreateGuestAsync(initialDeviceDisplayName, refreshToken, cancellationToken);
    }

    /// <summary>A guest account, whatever <c>Registration:AllowGuests</c> says: for someone a room lets in with its
    /// join password or an invite link (docs/LIVE.md, "Access"), where knowing the secret is the permission.</summary>
    public async Task<Registered> CreateGuestAsync(string? initialDeviceDisplayName, bool refreshToken,
        CancellationToken cancellationToken)
    {
        var number = await accounts.NextGuestNumberAsync(cancellationToken);
        var userId = UserId.Parse($"@{number}:{settings.ServerName.Value}");
        return await CreateAsync(new NewAccount(userId, null, false, true, null),
            new RegisterRequest(null, null, null, initialDeviceDisplayName, false, refreshToken), null, cancellationToken);
    }

    /// <summary>
    /// POST /register with <c>type: m.login.application_service</c> and the appservice's <c>as_token</c>: no
    /// user-interactive auth, open even when registration is closed, for users of the appservice's namespace (400
    /// <c>M_EXCLUSIVE</c> otherwise); any localpart that makes a valid user ID (bridges name ghosts "_irc_...").
    /// Appservices managing their devices (MSC4190) must ask for no login (400 <c>M_APPSERVICE_LOGIN_UNSUPPORTED</c>).
    /// </summary>
    public async Task<Registered> RegisterAppServiceUserAsync(AppServiceRegistration appService, RegisterRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appService);
        ArgumentNullException.ThrowIfNull(request);
        var username = request.Username
                       ?? throw new MatrixException(ErrorCode.MissingParam, "'username' is required");
        var localpart = username.StartsWith('@') && username.EndsWith(":" + settings.ServerName.Value, StringComparison.Ordinal)
            ? username[1..^(settings.ServerName.Value.Length + 1)]
            : username;
        if (!UserId.TryParse($"@{localpart}:{settings.ServerName.Value}", out var userId, out var error) ||
            localpart.Length == 0)
        {
            throw new MatrixException(ErrorCode.InvalidUsername, error.Length > 0 ? error : "User ID cannot be empty");
        }

        RefuseWebhookBotNamespace(userId);
        AppServiceNamespaceRules.CheckUserRegistration(appServices, userId.Value, appService);
        if (appService.DeviceManagement && !request.InhibitLogin)
        {
            throw new MatrixException(ErrorCode.AppServiceLoginUnsupported,
                "This appservice has MSC4190 enabled, so the inhibit_login parameter must be set to true.");
        }

        return await CreateAsync(new NewAccount(userId, null, false, false, userId.Localpart),
            request.InhibitLogin ? null : request, null, cancellationToken);
    }

    /// <summary>An account made by an administrator (CLI, admin API): no UIA, registration may be closed.</summary>
    public async Task<UserId> CreateByAdministratorAsync(string username, string password, bool admin,
        CancellationToken cancellationToken)
    {
        var userId = ValidateUsername(username);
        var result = await CreateAsync(new NewAccount(userId, await passwords.HashAsync(password, cancellationToken), admin, false, userId.Localpart),
            null, null, cancellationToken);
        return result.UserId;
    }

    /// <summary>
    /// An account made through Synapse's admin API (shared-secret registration, <c>PUT /v2/users</c>): no UIA,
    /// registration may be closed, a password hash already made (or none), the display name given (else the localpart),
    /// and a first session when <paramref name="login"/> is given.
    /// </summary>
    public async Task<Registered> CreateByAdministratorAsync(string username, string? passwordHash, bool admin,
        string? displayName, RegisterRequest? login, CancellationToken cancellationToken)
    {
        var userId = ValidateUsername(username);
        await EnsureAvailableAsync(userId, cancellationToken);
        return await CreateAsync(new NewAccount(userId, passwordHash, admin, false, displayName ?? userId.Localpart),
            login, null, cancellationToken);
    }

    /// <summary>400 M_INVALID_USERNAME or M_USER_IN_USE when <paramref name="username"/> cannot be registered.</summary>
    public async Task CheckAvailableAsync(string username, CancellationToken cancellationToken) =>
        await EnsureAvailableAsync(ValidateUsername(username), cancellationToken);

    private UserId ValidateUsername(string username)
    {
        var localpart = username.StartsWith('@') && username.Contains(':', StringComparison.Ordinal)
            ? username[1..username.IndexOf(':', StringComparison.Ordinal)]
            : username;
        if (localpart.Length == 0 || !UserId.IsValidLocalpart(localpart))
        {
            throw new MatrixException(ErrorCode.InvalidUsername,
                "User ID can only contain characters a-z, 0-9, '.', '_', '=', '-', '/' and '+'");
        }

        // Numeric localparts are how guests are named; a leading '_' is kept for appservices and the server.
        if (localpart.All(char.IsAsciiDigit) || localpart.StartsWith('_'))
        {
            throw new MatrixException(ErrorCode.InvalidUsername, "User ID cannot be numeric or begin with '_'");
        }

        if (!UserId.TryCreate(localpart, settings.ServerName, out var userId, out var error))
        {
            throw new MatrixException(ErrorCode.InvalidUsername, error);
        }

        return userId;
    }

    private async Task EnsureAvailableAsync(UserId userId, CancellationToken cancellationToken)
    {
        RefuseWebhookBotNamespace(userId);
        if (settings.ServerNotices.SystemMxidLocalpart == userId.Localpart)
        {
            // As Synapse: whoever held the notices user's ID would send (and own the rooms of) every server notice.
            throw new MatrixException(ErrorCode.Exclusive, "This user ID is reserved.");
        }

        AppServiceNamespaceRules.CheckUserRegistration(appServices, userId.Value, registrant: null);
        if (await accounts.GetUserAsync(userId, cancellationToken) is not null)
        {
            throw new MatrixException(ErrorCode.UserInUse, "User ID already taken.");
        }
    }

    /// <summary>The live webhooks' bots (<c>@_live_webhook_*</c>) are made by the server alone: an exclusive namespace
    /// of the server's, refused to users and appservices alike (400 <c>M_EXCLUSIVE</c>).</summary>
    private static void RefuseWebhookBotNamespace(UserId userId)
    {
        if (Live.LiveNames.IsWebhookBot(userId.Value))
        {
            throw new MatrixException(ErrorCode.Exclusive, "This user ID is reserved for the server's webhook bots.");
        }
    }

    private UserId GenerateUserId() =>
        UserId.Parse("@u" + System.Security.Cryptography.RandomNumberGenerator.GetString(
            "abcdefghijklmnopqrstuvwxyz0123456789", 11) + ":" + settings.ServerName.Value);

    private async Task<Registered> CreateAsync(NewAccount account, RegisterRequest? login, string? registrationToken,
        CancellationToken cancellationToken)
    {
        SessionIssuer.Issued? issued = null;
        NewSession? session = null;
        if (login is not null)
        {
            issued = issuer.Issue(login.RefreshToken);
            session = new NewSession(login.DeviceId ?? Tokens.NewDeviceId(), login.InitialDeviceDisplayName, issued.Hashes);
        }

        var outcome = await accounts.RegisterAsync(account, session, registrationToken,
            time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        if (outcome == RegistrationOutcome.Created && session is not null)
        {
            await deviceObservers.NotifyAsync(account.UserId, cancellationToken);
        }

        return outcome switch
        {
            RegistrationOutcome.Created => new Registered(account.UserId, issued?.AccessToken, session?.DeviceId,
                issued?.RefreshToken, issued?.ExpiresInMs),
            RegistrationOutcome.UserInUse => throw new MatrixException(ErrorCode.UserInUse, "User ID already taken."),
            _ => throw new MatrixException(ErrorCode.Forbidden, "The registration token has been used up"),
        };
    }

    /// <summary>Reads the register body's fields (the rest of the body is the UIA's business).</summary>
    public static RegisterRequest ParseRequest(JsonElement body)
    {
        return new RegisterRequest(JsonFields.OptionalString(body, "username"), JsonFields.OptionalString(body, "password"),
            JsonFields.OptionalString(body, "device_id"), JsonFields.OptionalString(body, "initial_device_display_name"),
            JsonFields.OptionalBool(body, "inhibit_login"), JsonFields.OptionalBool(body, "refresh_token"));
    }
}
