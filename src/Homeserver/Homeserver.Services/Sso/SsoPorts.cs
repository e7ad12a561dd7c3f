using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Sso;

/// <summary>A Matrix account linked to an identity at an external provider, at its position in link order.</summary>
public sealed record ExternalIdLink(long Position, string AuthProvider, string ExternalId, UserId UserId, long LinkedAt);

/// <summary>Links between external identities and accounts: one account per identity and one identity per account,
/// per provider.</summary>
public interface IExternalIdStore
{
    Task<UserId?> GetUserAsync(string authProvider, string externalId, CancellationToken cancellationToken);

    /// <returns>False when the identity or the account is linked already.</returns>
    Task<bool> TryLinkAsync(string authProvider, string externalId, UserId userId, long nowTs,
        CancellationToken cancellationToken);

    /// <summary>Links after <paramref name="afterPosition"/>, oldest first; positions become visible in order.</summary>
    Task<IReadOnlyList<ExternalIdLink>> ListAsync(string authProvider, long afterPosition, int limit,
        CancellationToken cancellationToken);
}

/// <summary>A sign-in under way: where the client wants the login token, and the browser cookie it belongs to.</summary>
public sealed record SsoSession(string IdpId, string ClientRedirectUrl, string ReturnTo);

/// <summary>Sign-ins under way (single use, short-lived) and the OpenID nonces already seen.</summary>
public interface ISsoSessionStore
{
    Task AddAsync(byte[] sessionHash, byte[] browserHash, SsoSession session, long nowTs, long expiresTs,
        CancellationToken cancellationToken);

    /// <summary>Removes and returns the live session of that hash, if it belongs to that browser.</summary>
    Task<SsoSession?> TakeAsync(byte[] sessionHash, byte[] browserHash, long nowTs, CancellationToken cancellationToken);

    /// <returns>False when the nonce was used before.</returns>
    Task<bool> TryUseNonceAsync(string idpId, string nonce, long nowTs, long expiresTs,
        CancellationToken cancellationToken);
}

/// <summary>
/// A login method besides password, token and appservice: the flows <c>GET /login</c> lists for it, and, when it has a
/// <c>POST /login</c> type of its own, the check of such a request.
/// </summary>
public interface IExtraLoginMethod
{
    /// <summary>What <c>GET /login</c> lists for it now (nothing when it is turned off).</summary>
    IEnumerable<JsonObject> Flows { get; }

    /// <summary>Its <c>POST /login</c> type, or null (SSO ends in <c>m.login.token</c>).</summary>
    string? LoginType { get; }

    /// <summary>The account a request of <see cref="LoginType"/> signs in to; throws MatrixException otherwise.</summary>
    Task<UserId> AuthenticateAsync(JsonElement body, CancellationToken cancellationToken);
}
