using System.Security.Cryptography;
using System.Text;
using Homeserver.Core.Encoding;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.OAuth;

/// <summary>
/// The cookie of the login and consent pages: a random value whose hash names a row of <c>oauth_browser_sessions</c>,
/// and the CSRF token its forms carry, derived from the cookie so it is tied to that browser and unguessable without
/// the cookie (which scripts cannot read: HttpOnly).
/// </summary>
public sealed class BrowserSessions(IBrowserSessionStore store, TimeProvider time)
{
    public const string CookieName = "hs_oauth_session";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    /// <summary>The session of <paramref name="cookie"/>, or a new one (with its new cookie value) when it has none
    /// or an expired one.</summary>
    public async Task<(string Cookie, BrowserSession Session, bool IsNew)> EnsureAsync(string? cookie,
        CancellationToken cancellationToken)
    {
        if (await FindAsync(cookie, cancellationToken) is { } existing)
        {
            return (cookie!, existing, false);
        }

        var value = Tokens.New("mob_");
        var hash = Tokens.Hash(value);
        var now = time.GetUtcNow();
        await store.AddAsync(hash, now.ToUnixTimeMilliseconds(), (now + Lifetime).ToUnixTimeMilliseconds(),
            cancellationToken);
        return (value, new BrowserSession(hash, null), true);
    }

    /// <summary>The session of a form post: the cookie must name a live session and <paramref name="csrf"/> must be
    /// its token; null otherwise.</summary>
    public async Task<BrowserSession?> CheckFormAsync(string? cookie, string? csrf, CancellationToken cancellationToken)
    {
        if (cookie is null || csrf is null || !CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(CsrfToken(cookie)), Encoding.ASCII.GetBytes(csrf)))
        {
            return null;
        }

        return await FindAsync(cookie, cancellationToken);
    }

    public static string CsrfToken(string cookie) =>
        UnpaddedBase64.EncodeUrlSafe(SHA256.HashData(Encoding.UTF8.GetBytes("oauth-csrf\n" + cookie)));

    private async Task<BrowserSession?> FindAsync(string? cookie, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(cookie) || cookie.Length > 100
            ? null
            : await store.GetAsync(Tokens.Hash(cookie), time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
}
