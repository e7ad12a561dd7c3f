using Homeserver.Core.Identifiers;

namespace Homeserver.Services.OAuth;

/// <summary>An authorisation request as stored: what the client asked for, and once consented, for whom.</summary>
public sealed record AuthorizationRequest(string RequestId, string ClientId, string RedirectUri, string Scope,
    string DeviceId, string? State, string ResponseMode, string CodeChallenge, byte[] SessionHash, long ExpiresTs,
    UserId? UserId);

/// <summary>A code as consumed by the token endpoint.</summary>
/// <param name="AlreadyExchanged">The code had been used before (a replay).</param>
public sealed record ConsumedCode(AuthorizationRequest Request, long CodeExpiresTs, bool AlreadyExchanged);

public sealed record OAuthClient(string ClientId, OAuthClientMetadata Metadata);

/// <summary>An OAuth device's client and granted scope.</summary>
public sealed record OAuthSession(UserId UserId, string DeviceId, string ClientId, string Scope);

/// <summary>The <c>oauth_clients</c> table: dynamically registered clients.</summary>
public interface IOAuthClientStore
{
    Task AddAsync(string clientId, OAuthClientMetadata metadata, long nowTs, CancellationToken cancellationToken);

    Task<OAuthClient?> GetAsync(string clientId, CancellationToken cancellationToken);
}

/// <summary>The <c>oauth_authorization_requests</c> table: requests, their codes, and code use.</summary>
public interface IAuthorizationRequestStore
{
    Task AddAsync(AuthorizationRequest request, long nowTs, CancellationToken cancellationToken);

    /// <returns>Null when unknown or expired.</returns>
    Task<AuthorizationRequest?> GetAsync(string requestId, long nowTs, CancellationToken cancellationToken);

    /// <summary>Records consent: the user and the code's hash, once per request.</summary>
    /// <returns>False when the request is unknown, expired or already has a code.</returns>
    Task<bool> SetCodeAsync(string requestId, UserId userId, byte[] codeHash, long codeExpiresTs, long nowTs,
        CancellationToken cancellationToken);

    /// <summary>Marks the code exchanged, in one statement, so two concurrent exchanges cannot both see it unused.</summary>
    /// <returns>Null when no request has this code.</returns>
    Task<ConsumedCode?> ConsumeCodeAsync(byte[] codeHash, CancellationToken cancellationToken);
}

/// <summary>The <c>oauth_browser_sessions</c> table: browsers on the login and consent pages.</summary>
public interface IBrowserSessionStore
{
    Task AddAsync(byte[] sessionHash, long nowTs, long expiresTs, CancellationToken cancellationToken);

    /// <returns>Null when unknown or expired; else whether (and as whom) the browser signed in.</returns>
    Task<BrowserSession?> GetAsync(byte[] sessionHash, long nowTs, CancellationToken cancellationToken);

    Task SetUserAsync(byte[] sessionHash, UserId? userId, CancellationToken cancellationToken);
}

public sealed record BrowserSession(byte[] SessionHash, UserId? UserId);

/// <summary>The <c>oauth_sessions</c> table, and lookups of the device behind an access or refresh token.</summary>
public interface IOAuthSessionStore
{
    Task AddAsync(OAuthSession session, long nowTs, CancellationToken cancellationToken);

    /// <summary>Whether the device was made by the OAuth API (its session cannot do password UIA stages).</summary>
    Task<bool> IsOAuthDeviceAsync(UserId userId, string deviceId, CancellationToken cancellationToken);

    Task<OAuthSession?> FindByRefreshTokenAsync(byte[] refreshTokenHash, CancellationToken cancellationToken);

    /// <summary>The device an access or refresh token (any, not only OAuth ones) belongs to.</summary>
    Task<(UserId UserId, string DeviceId)?> FindDeviceByTokenAsync(byte[] tokenHash, CancellationToken cancellationToken);
}
