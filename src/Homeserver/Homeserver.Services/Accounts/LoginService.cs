using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Accounts;

/// <summary>Login (password and login token), refresh, logout, and short-lived login tokens.</summary>
public sealed class LoginService(
    HomeserverSettings settings,
    IAccountStore accounts,
    ISessionStore sessions,
    SessionIssuer issuer,
    PasswordCheck passwords,
    RateLimiterSet rateLimiters,
    TimeProvider time,
    IEnumerable<IDeviceListObserver> deviceObservers,
    IEnumerable<Sso.IExtraLoginMethod> extraMethods)
{
    public const string PasswordType = "m.login.password";
    public const string TokenType = "m.login.token";
    public const string AppServiceType = "m.login.application_service";
    public static readonly TimeSpan LoginTokenLifetime = TimeSpan.FromMinutes(2);

    /// <summary>The flows of the login methods besides password, token and appservice (GET /login).</summary>
    public IEnumerable<JsonObject> ExtraFlows => extraMethods.SelectMany(m => m.Flows);

    public sealed record LoggedIn(UserId UserId, string AccessToken, string DeviceId, string? RefreshToken,
        long? ExpiresInMs);

    public sealed record Refreshed(string AccessToken, string RefreshToken, long ExpiresInMs);

    /// <param name="clientAddress">For the per-address rate limit.</param>
    public async Task<LoggedIn> LoginAsync(JsonElement body, string clientAddress, CancellationToken cancellationToken)
    {
        rateLimiters.LoginByAddress.Acquire(clientAddress);
        var type = body.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var userId = type switch
        {
            PasswordType => await CheckPasswordAsync(body, cancellationToken),
            TokenType => await CheckLoginTokenAsync(body, cancellationToken),
            null => throw new MatrixException(ErrorCode.BadJson, "'type' is required"),
            _ when extraMethods.FirstOrDefault(m => m.LoginType == type) is { } method =>
                await method.AuthenticateAsync(body, cancellationToken),
            _ => throw new MatrixException(ErrorCode.Unknown, $"Unknown login type '{type}'"),
        };

        return await StartSessionAsync(userId, body, cancellationToken);
    }

    /// <summary>
    /// <c>m.login.application_service</c> with the appservice's <c>as_token</c> (<paramref name="appServiceRequester"/>):
    /// a session for its sender or a registered user of its namespace (400 <c>M_EXCLUSIVE</c> for others), rate-limited
    /// per address only when the registration says <c>rate_limited</c>. Appservices managing their devices (MSC4190)
    /// may not log in (400 <c>M_APPSERVICE_LOGIN_UNSUPPORTED</c>).
    /// </summary>
    public async Task<LoggedIn> LoginAsAppServiceAsync(Requester appServiceRequester, JsonElement body,
        string clientAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appServiceRequester);
        var appService = appServiceRequester.AppService
                         ?? throw new ArgumentException("Not an appservice's request", nameof(appServiceRequester));
        if (appService.DeviceManagement)
        {
            throw new MatrixException(ErrorCode.AppServiceLoginUnsupported,
                "This appservice has MSC4190 enabled, so appservice login cannot be used.");
        }

        if (appService.RateLimited)
        {
            rateLimiters.LoginByAddress.Acquire(clientAddress);
        }

        var userId = AppServiceLoginUser(body);
        if (!appService.IsInterestedInUser(userId.Value))
        {
            throw new MatrixException(ErrorCode.Exclusive, "This user is not in the application service's namespace");
        }

        var account = await accounts.GetUserAsync(userId, cancellationToken);
        if (account is null)
        {
            throw new MatrixException(ErrorCode.Forbidden, "Application service has not registered this user");
        }

        if (account.Deactivated)
        {
            throw new MatrixException(ErrorCode.UserDeactivated, "This account has been deactivated");
        }

        return await StartSessionAsync(userId, body, cancellationToken);
    }

    // Appservices name users as they registered them: no lower-casing, any valid user ID of this server.
    private UserId AppServiceLoginUser(JsonElement body)
    {
        var user = body.TryGetProperty("identifier", out var identifier) && identifier.ValueKind == JsonValueKind.Object &&
                   identifier.TryGetProperty("type", out var kind) && kind.ValueKind == JsonValueKind.String &&
                   kind.GetString() == "m.id.user"
            ? JsonFields.OptionalString(identifier, "user")
            : JsonFields.OptionalString(body, "user");
        var text = user is null ? null : user.StartsWith('@') ? user : $"@{user}:{settings.ServerName.Value}";
        return UserId.TryParse(text, out var userId, out _) && userId.Domain == settings.ServerName
            ? userId
            : throw new MatrixException(ErrorCode.InvalidParam, "An m.id.user identifier naming a user of this server is required");
    }

    private async Task<LoggedIn> StartSessionAsync(UserId userId, JsonElement body, CancellationToken cancellationToken)
    {
        var deviceId = JsonFields.OptionalString(body, "device_id") ?? Tokens.NewDeviceId();
        var issued = issuer.Issue(body.TryGetProperty("refresh_token", out var r) && r.ValueKind == JsonValueKind.True);
        await sessions.StartSessionAsync(userId,
            new NewSession(deviceId, JsonFields.OptionalString(body, "initial_device_display_name"), issued.Hashes),
            time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        await deviceObservers.NotifyAsync(userId, cancellationToken);
        return new LoggedIn(userId, issued.AccessToken, deviceId, issued.RefreshToken, issued.ExpiresInMs);
    }

    public async Task<Refreshed> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refreshToken);
        var issued = issuer.Issue(refreshable: true);
        var userId = await sessions.RefreshAsync(Tokens.Hash(refreshToken), issued.Hashes,
            time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        return userId is null
            ? throw AccessTokenAuthenticator.UnknownToken(softLogout: false)
            : new Refreshed(issued.AccessToken, issued.RefreshToken!, issued.ExpiresInMs!.Value);
    }

    /// <summary>Logs out the requester's device (its tokens and the device itself); an appservice acting without a
    /// device has nothing to log out (its as_token is in its registration).</summary>
    public async Task LogoutAsync(Requester requester, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (requester.DeviceId is null)
        {
            return;
        }

        await sessions.DeleteDevicesAsync(requester.UserId, [requester.DeviceId], null, cancellationToken);
        await deviceObservers.NotifyAsync(requester.UserId, cancellationToken);
    }

    public async Task LogoutAllAsync(Requester requester, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        await sessions.DeleteDevicesAsync(requester.UserId, null, null, cancellationToken);
        await deviceObservers.NotifyAsync(requester.UserId, cancellationToken);
    }

    /// <summary>A single-use token for <c>m.login.token</c> (sign-in on another device).</summary>
    public async Task<(string Token, long ExpiresInMs)> CreateLoginTokenAsync(UserId userId,
        CancellationToken cancellationToken)
    {
        var token = Tokens.New(Tokens.LoginPrefix);
        var lifetime = (long)LoginTokenLifetime.TotalMilliseconds;
        await sessions.AddLoginTokenAsync(Tokens.Hash(token), userId,
            time.GetUtcNow().ToUnixTimeMilliseconds() + lifetime, cancellationToken);
        return (token, lifetime);
    }

    /// <summary>A password sign-in without a session (the OAuth login page): the same rate limits, lockout and checks
    /// as <c>m.login.password</c>.</summary>
    public async Task<UserId> VerifyPasswordAsync(string user, string password, string clientAddress,
        CancellationToken cancellationToken)
    {
        rateLimiters.LoginByAddress.Acquire(clientAddress);
        var body = JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["identifier"] = new Dictionary<string, string> { ["type"] = "m.id.user", ["user"] = user },
            ["password"] = password,
        });
        return await CheckPasswordAsync(body, cancellationToken);
    }

    private async Task<UserId> CheckPasswordAsync(JsonElement body, CancellationToken cancellationToken)
    {
        if (body.TryGetProperty("identifier", out var identifier) && identifier.ValueKind == JsonValueKind.Object &&
            identifier.TryGetProperty("type", out var kind) && kind.GetString() is "m.id.thirdparty" or "m.id.phone")
        {
            throw new MatrixException(ErrorCode.Forbidden, "No account is bound to that third-party identifier");
        }

        var password = JsonFields.OptionalString(body, "password")
                       ?? throw new MatrixException(ErrorCode.BadJson, "'password' is required");
        var userId = LoginIdentifier.ResolveUser(body, settings.ServerName)
                     ?? throw new MatrixException(ErrorCode.BadJson, "An m.id.user identifier is required");
        passwords.ThrowIfLocked(userId);
        rateLimiters.LoginByAccount.Acquire(userId.Value);
        var account = await accounts.GetUserAsync(userId, cancellationToken);
        if (account is { Deactivated: true })
        {
            throw new MatrixException(ErrorCode.UserDeactivated, "This account has been deactivated");
        }

        if (!await passwords.VerifyAsync(userId, password, account?.PasswordHash, cancellationToken))
        {
            throw new MatrixException(ErrorCode.Forbidden, "Invalid username or password");
        }

        return account!.UserId;
    }

    private async Task<UserId> CheckLoginTokenAsync(JsonElement body, CancellationToken cancellationToken)
    {
        var token = JsonFields.OptionalString(body, "token") ?? throw new MatrixException(ErrorCode.BadJson, "'token' is required");
        var userId = await sessions.ConsumeLoginTokenAsync(Tokens.Hash(token), time.GetUtcNow().ToUnixTimeMilliseconds(),
            cancellationToken) ?? throw new MatrixException(ErrorCode.Forbidden, "Invalid login token");
        var account = await accounts.GetUserAsync(userId, cancellationToken);
        return account is { Deactivated: false }
            ? userId
            : throw new MatrixException(ErrorCode.UserDeactivated, "This account has been deactivated");
    }
}
