using Homeserver.ClientApi.Http;
using Homeserver.Services.Configuration;
using Homeserver.Services.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.ClientApi.Endpoints.OAuth;

/// <summary>
/// The browser side of the authorisation code flow: the authorization endpoint and the login and consent forms.
/// Every form carries the CSRF token of the browser's session cookie; a request only continues in the browser that
/// opened it.
/// </summary>
public static class OAuthPages
{
    public static void MapOAuthPages(this IEndpointRouteBuilder app)
    {
        // GET authorization_endpoint (spec "Authorisation code flow": authorisation request)
        app.MapGet(OAuthPaths.Authorize, async (HttpContext context, BrowserSessions browsers,
            OAuthAuthorizationService authorization, HomeserverSettings settings, CancellationToken cancellationToken) =>
        {
            IReadOnlyDictionary<string, string> query;
            try
            {
                query = OAuthHttp.ReadQuery(context.Request);
            }
            catch (OAuthException e)
            {
                return OAuthHtml.Error(context, e.Message);
            }

            var (cookie, session) = await SessionAsync(context, browsers, cancellationToken);
            var outcome = await authorization.StartAsync(query, session, cancellationToken);
            return Render(context, outcome, cookie, settings);
        });

        // GET: the login or consent page of a request under way (after signing in or out)
        app.MapGet(OAuthPaths.Continue, async (HttpContext context, BrowserSessions browsers,
            OAuthAuthorizationService authorization, HomeserverSettings settings, CancellationToken cancellationToken) =>
        {
            var (cookie, session) = await SessionAsync(context, browsers, cancellationToken);
            var outcome = await authorization.ResumeAsync(context.Request.Query["request"].ToString(), session,
                cancellationToken);
            return Render(context, outcome, cookie, settings);
        });

        // POST: the login form
        app.MapPost(OAuthPaths.Login, (HttpContext context, BrowserSessions browsers,
            OAuthAuthorizationService authorization, HomeserverSettings settings, CancellationToken cancellationToken) =>
            FormAsync(context, browsers, settings, async (form, session) =>
            {
                var outcome = await authorization.LogInAsync(form.GetValueOrDefault("request"), session,
                    form.GetValueOrDefault("username"), form.GetValueOrDefault("password"), context.ClientAddress(),
                    cancellationToken);
                return outcome is AuthorizationOutcome.Page { SignedInAs: not null, Error: null } page
                    ? ContinueAt(page.Request.RequestId)
                    : outcome;
            }, cancellationToken));

        // POST: "Not you? Sign out"
        app.MapPost(OAuthPaths.Logout, (HttpContext context, BrowserSessions browsers,
            OAuthAuthorizationService authorization, HomeserverSettings settings, CancellationToken cancellationToken) =>
            FormAsync(context, browsers, settings, async (form, session) =>
            {
                var outcome = await authorization.LogOutAsync(form.GetValueOrDefault("request"), session, cancellationToken);
                return outcome is AuthorizationOutcome.Page page ? ContinueAt(page.Request.RequestId) : outcome;
            }, cancellationToken));

        // POST: the consent form; redirects back to the client with a code or access_denied
        app.MapPost(OAuthPaths.Consent, (HttpContext context, BrowserSessions browsers,
            OAuthAuthorizationService authorization, HomeserverSettings settings, CancellationToken cancellationToken) =>
            FormAsync(context, browsers, settings, (form, session) => authorization.DecideAsync(
                form.GetValueOrDefault("request"), session, form.GetValueOrDefault("decision") == "allow",
                cancellationToken), cancellationToken));

        // GET: the pages' stylesheet
        app.MapGet(OAuthPaths.Stylesheet, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.Text(OAuthHtml.Stylesheet, "text/css; charset=utf-8");
        });
    }

    private static async Task<IResult> FormAsync(HttpContext context, BrowserSessions browsers,
        HomeserverSettings settings, Func<IReadOnlyDictionary<string, string>, BrowserSession, Task<AuthorizationOutcome>> handle,
        CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, string> form;
        try
        {
            form = await OAuthHttp.ReadFormAsync(context.Request, cancellationToken);
        }
        catch (OAuthException e)
        {
            return OAuthHtml.Error(context, e.Message);
        }

        var cookie = context.Request.Cookies[BrowserSessions.CookieName];
        var session = await browsers.CheckFormAsync(cookie, form.GetValueOrDefault("csrf"), cancellationToken);
        if (session is null)
        {
            return OAuthHtml.Error(context, "This form has expired or did not come from this server's page. Start again from the application.", 403);
        }

        return Render(context, await handle(form, session), cookie!, settings);
    }

    private static IResult Render(HttpContext context, AuthorizationOutcome outcome, string cookie,
        HomeserverSettings settings) => outcome switch
    {
        AuthorizationOutcome.ErrorPage error => OAuthHtml.Error(context, error.Message),
        AuthorizationOutcome.Redirect redirect => SeeOther(context, redirect.Url),
        AuthorizationOutcome.Page { SignedInAs: null } page =>
            OAuthHtml.Login(context, page, BrowserSessions.CsrfToken(cookie), settings.ServerName.Value),
        AuthorizationOutcome.Page page => OAuthHtml.Consent(context, page, BrowserSessions.CsrfToken(cookie)),
        _ => throw new InvalidOperationException("Unknown outcome"),
    };

    // 303: the browser follows with a GET, whatever the form's method.
    private static IResult SeeOther(HttpContext context, string url)
    {
        OAuthHttp.NoStore(context);
        context.Response.Headers.Location = url;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static AuthorizationOutcome.Redirect ContinueAt(string requestId) =>
        new($"{OAuthPaths.Continue}?request={Uri.EscapeDataString(requestId)}");

    /// <summary>The browser's session, made (and its cookie set) on its first visit.</summary>
    internal static async Task<(string Cookie, BrowserSession Session)> SessionAsync(HttpContext context,
        BrowserSessions browsers, CancellationToken cancellationToken)
    {
        var (cookie, session, isNew) = await browsers.EnsureAsync(context.Request.Cookies[BrowserSessions.CookieName],
            cancellationToken);
        if (isNew)
        {
            context.Response.Cookies.Append(BrowserSessions.CookieName, cookie, new CookieOptions
            {
                HttpOnly = true,
                // Behind a TLS-terminating proxy the request is http but the browser's page is https.
                Secure = context.Request.IsHttps ||
                         context.RequestServices.GetRequiredService<HomeserverSettings>().WellKnown.ClientBaseUrl.Scheme ==
                         Uri.UriSchemeHttps,
                SameSite = SameSiteMode.Lax,
                Path = "/",
                MaxAge = BrowserSessions.Lifetime,
            });
        }

        return (cookie, session);
    }
}
