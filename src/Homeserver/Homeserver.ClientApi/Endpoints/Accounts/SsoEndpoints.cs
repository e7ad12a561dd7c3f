using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Homeserver.ClientApi.Endpoints.OAuth;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Services.Configuration;
using Homeserver.Services.Sso;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Accounts;

/// <summary>
/// Sign in with Steam for browsers (spec "Client login via SSO"): the redirect endpoints, Steam's OpenID callback, and
/// the pages a person sees (errors, and the confirmation before a login token goes to a client of another origin, as
/// Synapse asks). Every answer here is an HTML page or a redirect: a browser, not a client, is on the other end.
/// </summary>
public static class SsoEndpoints
{
    public const string CallbackPath = "/_matrix/client/unstable/org.homeserver.sso/callback/steam";
    private const int MaxQueryValueLength = 4096;
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    public static void MapSso(this IEndpointRouteBuilder app, HomeserverSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // The public base URL, path included when a proxy serves the server under one (no trailing slash).
        var origin = new Lazy<string>(() =>
            WellKnownEndpoints.BoundUrl(app, settings.WellKnown.ClientBaseUrl).AbsoluteUri.TrimEnd('/'));

        // GET /_matrix/client/v3/login/sso/redirect
        app.MapGet("/_matrix/client/v3/login/sso/redirect", (HttpContext context, SteamSignIn steam,
                CancellationToken cancellationToken) =>
            StartAsync(context, steam, SteamSignIn.IdpId, origin.Value, cancellationToken)).ExistedInR0();

        // GET /_matrix/client/v3/login/sso/redirect/{idpId}
        app.MapGet("/_matrix/client/v3/login/sso/redirect/{idpId}", (HttpContext context, string idpId,
                SteamSignIn steam, CancellationToken cancellationToken) =>
            StartAsync(context, steam, idpId, origin.Value, cancellationToken));

        // GET: Steam's OpenID answer comes back here (the openid.return_to of the sign-in)
        app.MapGet(CallbackPath, async (HttpContext context, SteamSignIn steam, CancellationToken cancellationToken) =>
        {
            if (!steam.Enabled)
            {
                return Page(context, 404, "Not available", "Signing in with Steam is not enabled on this server.");
            }

            if (SingleValues(context.Request.Query) is not { } query)
            {
                return Page(context, 400, "Cannot continue", "The sign-in answer is malformed.");
            }

            var outcome = await steam.CompleteAsync(query, context.Request.Cookies[SteamSignIn.CookieName],
                origin.Value + "/", cancellationToken);
            context.Response.Cookies.Delete(SteamSignIn.CookieName, CookieOptions(context, origin.Value, TimeSpan.Zero));
            return outcome switch
            {
                SignInOutcome.SignedIn { Trusted: true } signedIn => Redirect(context, signedIn.ClientUrlWithToken),
                SignInOutcome.SignedIn signedIn => Confirmation(context, signedIn),
                SignInOutcome.Failed failed => Page(context, failed.Status, "Cannot sign in", failed.Message),
                _ => Page(context, 400, "Cannot sign in", "Unexpected sign-in state."),
            };
        });
    }

    /// <summary>Links of accounts to external identities, in link order, for bridges to poll: appservices only.</summary>
    public static void MapExternalIds(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/unstable/org.homeserver.sso/external_ids (ours: no spec path)
        app.MapGet("/_matrix/client/unstable/org.homeserver.sso/external_ids", async (HttpContext context,
            IExternalIdStore links, CancellationToken cancellationToken) =>
        {
            if (context.Requester().AppService is null)
            {
                throw new MatrixException(ErrorCode.Forbidden, "Only application services may list external IDs");
            }

            var query = context.Request.Query;
            var provider = query["auth_provider"].ToString();
            if (provider.Length is 0 or > 100)
            {
                throw new MatrixException(ErrorCode.MissingParam, "'auth_provider' is required");
            }

            var since = query["since"].ToString() is { Length: > 0 } text
                ? long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture,
                    out var position) ? position : throw new MatrixException(ErrorCode.InvalidParam, "'since' is not a batch token")
                : 0;
            var limit = query["limit"].ToString() is { Length: > 0 } limitText
                ? int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture,
                    out var n) && n is >= 1 and <= 1000 ? n : throw new MatrixException(ErrorCode.InvalidParam, "'limit' must be 1 to 1000")
                : 100;
            var found = await links.ListAsync(provider, since, limit, cancellationToken);
            var array = new JsonArray();
            foreach (var link in found)
            {
                array.Add(new JsonObject
                {
                    ["user_id"] = link.UserId.Value, ["external_id"] = link.ExternalId, ["linked_at"] = link.LinkedAt,
                });
            }

            var next = found.Count > 0 ? found[^1].Position : since;
            return Results.Json(new JsonObject
            {
                ["links"] = array,
                ["next_batch"] = next.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        }).RequireAccessToken();
    }

    private static async Task<IResult> StartAsync(HttpContext context, SteamSignIn steam, string idpId, string origin,
        CancellationToken cancellationToken)
    {
        if (!steam.Enabled || idpId != SteamSignIn.IdpId)
        {
            return Page(context, 404, "Unknown sign-in provider",
                "This server does not offer signing in with that provider.");
        }

        var redirectUrl = context.Request.Query["redirectUrl"] is { Count: 1 } values ? values[0] : null;
        var outcome = await steam.StartAsync(redirectUrl, origin + CallbackPath, origin + "/", context.ClientAddress(),
            cancellationToken);
        switch (outcome)
        {
            case SignInOutcome.Redirect redirect:
                if (redirect.BrowserCookie is { } cookie)
                {
                    context.Response.Cookies.Append(SteamSignIn.CookieName, cookie,
                        CookieOptions(context, origin, SteamSignIn.SessionLifetime));
                }

                return Redirect(context, redirect.Location);
            case SignInOutcome.Failed failed:
                return Page(context, failed.Status, "Cannot sign in", failed.Message);
            default:
                return Page(context, 400, "Cannot sign in", "Unexpected sign-in state.");
        }
    }

    private static CookieOptions CookieOptions(HttpContext context, string origin, TimeSpan lifetime) => new()
    {
        HttpOnly = true,
        Secure = context.Request.IsHttps || origin.StartsWith("https:", StringComparison.Ordinal),
        // Lax: Steam sends the browser back with a top-level GET, which carries Lax cookies.
        SameSite = SameSiteMode.Lax,
        Path = new Uri(origin).AbsolutePath.TrimEnd('/') + CallbackPath,
        MaxAge = lifetime,
    };

    private static IResult Redirect(HttpContext context, string location)
    {
        OAuthHttp.NoStore(context);
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        return Results.Redirect(location);
    }

    private static IResult Confirmation(HttpContext context, SignInOutcome.SignedIn signedIn)
    {
        var shown = Uri.TryCreate(signedIn.ClientUrl, UriKind.Absolute, out var uri)
            ? uri.Scheme == Uri.UriSchemeHttps ? uri.Authority : uri.GetLeftPart(UriPartial.Path)
            : signedIn.ClientUrl;
        var body = $"<h1>Continue to your account</h1><p>{(signedIn.NewUser ? "Your new account" : "Your account")} " +
                   $"<strong>{E(signedIn.UserId.Value)}</strong> is ready.</p>" +
                   $"<p>Continuing will grant <strong>{E(shown)}</strong> access to your account.</p>" +
                   $"<p><a class=\"continue\" href=\"{E(signedIn.ClientUrlWithToken)}\">Continue</a></p>";
        return OAuthHtml.Document(context, "Continue to your account", body, 200, null);
    }

    private static IResult Page(HttpContext context, int status, string title, string message) =>
        OAuthHtml.Document(context, title, $"<h1>{E(title)}</h1><p class=\"error\" role=\"alert\">{E(message)}</p>",
            status, null);

    private static Dictionary<string, string>? SingleValues(IQueryCollection query)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in query)
        {
            if (value.Count != 1 || value[0] is not { Length: <= MaxQueryValueLength } text)
            {
                return null;
            }

            values[key] = text;
        }

        return values;
    }

    private static string E(string text) => Encoder.Encode(text);
}
