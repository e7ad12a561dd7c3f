using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Sso;

/// <summary>How a step of the browser sign-in ends.</summary>
public abstract record SignInOutcome
{
    /// <summary>Send the browser to <paramref name="Location"/>, setting the sign-in cookie when given.</summary>
    public sealed record Redirect(string Location, string? BrowserCookie) : SignInOutcome;

    /// <summary>Signed in: the client's URL with <c>loginToken</c> added, shown behind a confirmation page unless
    /// <paramref name="Trusted"/>.</summary>
    public sealed record SignedIn(UserId UserId, string ClientUrl, string ClientUrlWithToken, bool NewUser, bool Trusted)
        : SignInOutcome;

    /// <summary>An HTML error page with this status.</summary>
    public sealed record Failed(int Status, string Message) : SignInOutcome;
}

/// <summary>
/// Sign in with Steam in the browser (spec "Client login via SSO"): <c>/login/sso/redirect/steam</c> keeps the
/// client's redirectUrl in a single-use session bound to a cookie and sends the browser to Steam's OpenID login; the
/// callback checks Steam's assertion (the session's return_to, the configured endpoint, Steam's claimed_id, a nonce
/// used once, then Steam's own <c>check_authentication</c>), finds or makes the linked account and hands the client a
/// login token.
/// </summary>
public sealed class SteamSignIn(HomeserverSettings settings, ISsoSessionStore sessions, SteamClient steam,
    SteamAccounts accounts, IAccountStore accountStore, LoginService logins, TimeProvider time)
{
    // Each start stores a session row: a bound per address (generous: a person may retry a few times).
    private readonly RateLimiter _startsByAddress = new(new RateLimit(0.5, 20), settings.RateLimits.Enabled, time);

    public const string IdpId = "steam";
    public const string CookieName = "hs_sso_session";
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromMinutes(10);
    private const int MaxRedirectUrlLength = 2048;

    public bool Enabled => settings.Sso.Steam.Enabled;

    /// <param name="callbackUrl">This server's callback, absolute, as the browser reaches it.</param>
    /// <param name="realm">This server's public base URL, shown by Steam as the site asking.</param>
    /// <param name="clientAddress">For the per-address rate limit (429 M_LIMIT_EXCEEDED).</param>
    public async Task<SignInOutcome> StartAsync(string? redirectUrl, string callbackUrl, string realm,
        string clientAddress, CancellationToken cancellationToken)
    {
        _startsByAddress.Acquire(clientAddress);
        if (!IsAcceptableClientUrl(redirectUrl))
        {
            return new SignInOutcome.Failed(400, "The client gave no usable redirectUrl.");
        }

        var sessionId = Tokens.NewSessionId();
        var cookie = Tokens.New("mss_");
        var returnTo = $"{callbackUrl}?session={Uri.EscapeDataString(sessionId)}";
        var now = time.GetUtcNow();
        await sessions.AddAsync(Tokens.Hash(sessionId), Tokens.Hash(cookie), new SsoSession(IdpId, redirectUrl!, returnTo),
            now.ToUnixTimeMilliseconds(), (now + SessionLifetime).ToUnixTimeMilliseconds(), cancellationToken);
        return new SignInOutcome.Redirect(
            SteamOpenId.AuthenticationUrl(settings.Sso.Steam.OpenIdUrl, returnTo, realm).AbsoluteUri, cookie);
    }

    /// <summary>The callback: <paramref name="query"/> is its query string (each parameter once),
    /// <paramref name="cookie"/> the browser's sign-in cookie, <paramref name="trustedClientPrefix"/> the URL prefix of
    /// clients sent their token without a confirmation page.</summary>
    public async Task<SignInOutcome> CompleteAsync(IReadOnlyDictionary<string, string> query, string? cookie,
        string trustedClientPrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!query.TryGetValue("session", out var sessionId) || sessionId.Length is 0 or > 100 ||
            cookie is null or { Length: 0 or > 100 })
        {
            return new SignInOutcome.Failed(400, "This sign-in is unknown or was started in another browser.");
        }

        var now = time.GetUtcNow();
        var session = await sessions.TakeAsync(Tokens.Hash(sessionId), Tokens.Hash(cookie), now.ToUnixTimeMilliseconds(),
            cancellationToken);
        if (session is null)
        {
            return new SignInOutcome.Failed(400,
                "This sign-in is unknown, has expired, was used already or was started in another browser.");
        }

        var check = SteamOpenId.Check(query, session.ReturnTo, settings.Sso.Steam.OpenIdUrl, now);
        if (check is AssertionCheck.Refused refused)
        {
            return new SignInOutcome.Failed(refused.Status, refused.Reason);
        }

        var plausible = (AssertionCheck.Plausible)check;
        if (!await sessions.TryUseNonceAsync(IdpId, plausible.Nonce, now.ToUnixTimeMilliseconds(),
                (now + SteamOpenId.NonceWindow * 2).ToUnixTimeMilliseconds(), cancellationToken))
        {
            return new SignInOutcome.Failed(401, "This sign-in answer was used already.");
        }

        try
        {
            if (!await steam.CheckAuthenticationAsync(query, cancellationToken))
            {
                return new SignInOutcome.Failed(401, "Steam does not confirm this sign-in.");
            }

            var (userId, created) = await accounts.FindOrCreateAsync(plausible.SteamId, cancellationToken);
            if (await accountStore.GetUserAsync(userId, cancellationToken) is not { Deactivated: false })
            {
                return new SignInOutcome.Failed(403, "The account linked to this Steam account has been deactivated.");
            }

            var (token, _) = await logins.CreateLoginTokenAsync(userId, cancellationToken);
            return new SignInOutcome.SignedIn(userId, session.ClientRedirectUrl,
                AddQueryParameter(session.ClientRedirectUrl, "loginToken", token), created,
                session.ClientRedirectUrl.StartsWith(trustedClientPrefix, StringComparison.Ordinal));
        }
        catch (SteamUnavailableException)
        {
            return new SignInOutcome.Failed(502, "Steam cannot be reached just now. Please try again later.");
        }
    }

    /// <summary>An absolute URL of a scheme a client can be sent to (apps use their own schemes), nothing that runs
    /// script or reads files.</summary>
    public static bool IsAcceptableClientUrl(string? url) =>
        url is { Length: > 0 and <= MaxRedirectUrlLength } && !url.Any(char.IsControl) &&
        Uri.TryCreate(url, UriKind.Absolute, out var uri) &&
        uri.Scheme is not ("javascript" or "data" or "vbscript" or "file" or "blob" or "about");

    /// <summary>The URL with one more query parameter, its other parameters and fragment kept.</summary>
    public static string AddQueryParameter(string url, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(url);
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        var (main, fragment) = hash < 0 ? (url, "") : (url[..hash], url[hash..]);
        var separator = !main.Contains('?', StringComparison.Ordinal) ? "?" : main.EndsWith('?') || main.EndsWith('&') ? "" : "&";
        return $"{main}{separator}{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}{fragment}";
    }
}
