using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Homeserver.Services.Accounts;
using Homeserver.Services.OAuth;
using Homeserver.ClientApi.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.OAuth;

/// <summary>
/// The account management URL (spec "Account management", MSC4191): <c>/account/?action=...&amp;device_id=...</c>
/// shows the signed-in browser's devices, one device, or asks to sign one out. Same cookie, CSRF tokens and CSP as
/// the OAuth pages.
/// </summary>
public static class AccountPages
{
    public const string Path = "/account/";
    private const string LoginPath = "/account/login";
    private const string LogoutPath = "/account/logout";
    private const string DeletePath = "/account/delete";
    private const string CrossSigningResetPath = "/account/cross_signing_reset";

    public static void MapAccountPages(this IEndpointRouteBuilder app)
    {
        // GET account_management_uri (spec "Account management URL actions")
        app.MapGet(Path, async (HttpContext context, BrowserSessions browsers, AccountManagementPages account,
            CancellationToken cancellationToken) =>
        {
            var (cookie, session) = await OAuthPages.SessionAsync(context, browsers, cancellationToken);
            var csrf = BrowserSessions.CsrfToken(cookie);
            if (session.UserId is not { } userId)
            {
                return Login(context, csrf, context.Request.Path + context.Request.QueryString, null);
            }

            var query = context.Request.Query;
            var action = query["action"].ToString();
            var deviceId = query["device_id"].ToString();
            if (action == AccountManagementPages.CrossSigningReset)
            {
                return CrossSigningResetPage(context, csrf, userId.Value, query["session"].ToString());
            }

            if (action is AccountManagementPages.DeviceView or AccountManagementPages.DeviceDelete && deviceId.Length > 0)
            {
                var device = await account.DeviceAsync(userId, deviceId, cancellationToken);
                return device is null
                    ? OAuthHtml.Error(context, "You have no device with this ID.", 404)
                    : DevicePage(context, csrf, userId.Value, device, confirmDelete: action == AccountManagementPages.DeviceDelete);
            }

            return DevicesPage(context, csrf, userId.Value, await account.DevicesAsync(userId, cancellationToken));
        });

        // POST: the account pages' login form
        app.MapPost(LoginPath, (HttpContext context, BrowserSessions browsers, AccountManagementPages account,
            CancellationToken cancellationToken) => FormAsync(context, browsers, async (form, session, csrf) =>
        {
            var target = form.GetValueOrDefault("return") is { } r && IsOwnPage(r) ? r : Path;
            var error = await account.LogInAsync(session, form.GetValueOrDefault("username"),
                form.GetValueOrDefault("password"), context.ClientAddress(), cancellationToken);
            return error is null ? SeeOther(context, target) : Login(context, csrf, target, error);
        }, cancellationToken));

        // POST: sign this browser out of the account pages
        app.MapPost(LogoutPath, (HttpContext context, BrowserSessions browsers, AccountManagementPages account,
            CancellationToken cancellationToken) => FormAsync(context, browsers, async (_, session, _) =>
        {
            await account.LogOutAsync(session, cancellationToken);
            return SeeOther(context, Path);
        }, cancellationToken));

        MapCrossSigningReset(app);

        // POST: sign a device out (delete it and its tokens)
        app.MapPost(DeletePath, (HttpContext context, BrowserSessions browsers, AccountManagementPages account,
            CancellationToken cancellationToken) => FormAsync(context, browsers, async (form, session, _) =>
        {
            if (session.UserId is not { } userId || form.GetValueOrDefault("device_id") is not { Length: > 0 } deviceId)
            {
                return OAuthHtml.Error(context, "Sign in first.", 403);
            }

            await account.DeleteDeviceAsync(userId, deviceId, cancellationToken);
            return SeeOther(context, Path + "?action=" + AccountManagementPages.DevicesList);
        }, cancellationToken));
    }

    private static void MapCrossSigningReset(IEndpointRouteBuilder app) =>
        // POST: approve the cross-signing reset a client asked for (the m.oauth UIA stage)
        app.MapPost(CrossSigningResetPath, (HttpContext context, BrowserSessions browsers, AccountManagementPages account,
            CancellationToken cancellationToken) => FormAsync(context, browsers, async (form, session, _) =>
        {
            if (session.UserId is not { } userId)
            {
                return OAuthHtml.Error(context, "Sign in first.", 403);
            }

            return await account.ApproveCrossSigningResetAsync(userId, form.GetValueOrDefault("session") ?? "", cancellationToken)
                ? OAuthHtml.Document(context, "Reset approved", "<h1>Reset approved</h1><p>Go back to your application " +
                    "to finish resetting your cross-signing identity.</p>", 200, null)
                : OAuthHtml.Error(context, "This reset request is unknown or expired. Start it again from your application.");
        }, cancellationToken));

    private static IResult CrossSigningResetPage(HttpContext context, string csrf, string userId, string session)
    {
        if (session.Length == 0)
        {
            return OAuthHtml.Error(context, "Start resetting your cross-signing identity from your application.");
        }

        var body = new StringBuilder("<h1>Reset your cross-signing identity?</h1>")
            .Append($"<p>Your application asks to replace the cross-signing keys of <strong>{E(userId)}</strong>. ")
            .Append("Do this only if you lost access to your other devices and your recovery key: your verified ")
            .Append("devices and contacts will need verifying again.</p>")
            .Append(Form(CrossSigningResetPath, csrf)).Append($"<input type=\"hidden\" name=\"session\" value=\"{E(session)}\">")
            .Append("<button type=\"submit\">Approve the reset</button></form>");
        return OAuthHtml.Document(context, "Reset cross-signing", body.ToString(), 200, null);
    }

    private static async Task<IResult> FormAsync(HttpContext context, BrowserSessions browsers,
        Func<IReadOnlyDictionary<string, string>, BrowserSession, string, Task<IResult>> handle,
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
        return session is null
            ? OAuthHtml.Error(context, "This form has expired or did not come from this server's page.", 403)
            : await handle(form, session, BrowserSessions.CsrfToken(cookie!));
    }

    /// <summary>The login form of the account pages and of the device link page; back to <paramref name="returnTo"/> after.</summary>
    internal static IResult Login(HttpContext context, string csrf, string returnTo, string? error)
    {
        var body = new StringBuilder("<h1>Your account</h1><p>Sign in to manage your account.</p>")
            .Append(error is null ? "" : $"<p class=\"error\" role=\"alert\">{E(error)}</p>")
            .Append(Form(LoginPath, csrf)).Append($"<input type=\"hidden\" name=\"return\" value=\"{E(returnTo)}\">")
            .Append("<label for=\"username\">Username</label>")
            .Append("<input id=\"username\" name=\"username\" autocomplete=\"username\" autocapitalize=\"none\" required autofocus>")
            .Append("<label for=\"password\">Password</label>")
            .Append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>")
            .Append("<button type=\"submit\">Sign in</button></form>");
        return OAuthHtml.Document(context, "Your account", body.ToString(), error is null ? 200 : 401, null);
    }

    private static IResult DevicesPage(HttpContext context, string csrf, string userId, IReadOnlyList<Device> devices)
    {
        var body = new StringBuilder($"<h1>Your devices</h1><p>Signed in as <strong>{E(userId)}</strong>.</p><ul class=\"devices\">");
        foreach (var device in devices)
        {
            var link = $"{Path}?action={AccountManagementPages.DeviceView}&amp;device_id={E(Uri.EscapeDataString(device.DeviceId))}";
            body.Append($"<li><a href=\"{link}\">{E(device.DisplayName ?? device.DeviceId)}</a> <code>{E(device.DeviceId)}</code>")
                .Append($" <span class=\"note\">{LastSeen(device)}</span></li>");
        }

        body.Append("</ul>").Append(Form(LogoutPath, csrf)).Append("<button type=\"submit\" class=\"link\">Sign out of this page</button></form>");
        return OAuthHtml.Document(context, "Your devices", body.ToString(), 200, null);
    }

    private static IResult DevicePage(HttpContext context, string csrf, string userId, Device device, bool confirmDelete)
    {
        var body = new StringBuilder($"<h1>{E(device.DisplayName ?? device.DeviceId)}</h1>")
            .Append($"<p>Device <code>{E(device.DeviceId)}</code> of <strong>{E(userId)}</strong>. {LastSeen(device)}</p>")
            .Append(confirmDelete ? "<p>Sign this device out? It loses access to your account and its encryption keys.</p>" : "")
            .Append(Form(DeletePath, csrf)).Append($"<input type=\"hidden\" name=\"device_id\" value=\"{E(device.DeviceId)}\">")
            .Append("<button type=\"submit\">Sign out this device</button></form>")
            .Append($"<p><a href=\"{Path}?action={AccountManagementPages.DevicesList}\">All devices</a></p>");
        return OAuthHtml.Document(context, "Device", body.ToString(), 200, null);
    }

    private static string LastSeen(Device device) => device.LastSeenTs is { } ts
        ? "Last seen " + E(DateTimeOffset.FromUnixTimeMilliseconds(ts).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture))
        : "";

    // Only back to these pages: a login form must not become an open redirect.
    private static bool IsOwnPage(string target) =>
        target.StartsWith(Path, StringComparison.Ordinal) || target.StartsWith(DeviceLinkPages.Path, StringComparison.Ordinal);

    private static string Form(string action, string csrf) =>
        $"<form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"csrf\" value=\"{E(csrf)}\">";

    private static IResult SeeOther(HttpContext context, string url)
    {
        OAuthHttp.NoStore(context);
        context.Response.Headers.Location = url;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static string E(string text) => HtmlEncoder.Default.Encode(text);
}
