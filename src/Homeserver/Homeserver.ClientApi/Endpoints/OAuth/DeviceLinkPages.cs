using System.Text;
using System.Text.Encodings.Web;
using Homeserver.Services.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.OAuth;

/// <summary>
/// The verification URI of the device authorisation grant (spec "Device authorisation flow"): a person signs in,
/// types (or follows a link with) the code their other device shows, and allows or denies it.
/// </summary>
public static class DeviceLinkPages
{
    public const string Path = "/oauth2/link";

    public static void MapDeviceLinkPages(this IEndpointRouteBuilder app)
    {
        // GET verification_uri / verification_uri_complete
        app.MapGet(Path, async (HttpContext context, BrowserSessions browsers, DeviceAuthorization devices,
            CancellationToken cancellationToken) =>
        {
            var (cookie, session) = await OAuthPages.SessionAsync(context, browsers, cancellationToken);
            var csrf = BrowserSessions.CsrfToken(cookie);
            if (session.UserId is not { } userId)
            {
                return AccountPages.Login(context, csrf, context.Request.Path + context.Request.QueryString, null);
            }

            var code = context.Request.Query["user_code"].ToString();
            if (code.Length == 0)
            {
                return EnterCode(context, null);
            }

            return await devices.FindAsync(code, cancellationToken) is { } found
                ? Consent(context, csrf, userId.Value, found.Grant, found.Client)
                : EnterCode(context, "This code is unknown, expired or already answered. Check it, or start again on your device.");
        });

        // POST: allow or deny the device
        app.MapPost(Path, async (HttpContext context, BrowserSessions browsers, DeviceAuthorization devices,
            CancellationToken cancellationToken) =>
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

            var session = await browsers.CheckFormAsync(context.Request.Cookies[BrowserSessions.CookieName],
                form.GetValueOrDefault("csrf"), cancellationToken);
            if (session?.UserId is not { } userId)
            {
                return OAuthHtml.Error(context, "This form has expired or did not come from this server's page.", 403);
            }

            var allow = form.GetValueOrDefault("decision") == "allow";
            if (!await devices.DecideAsync(form.GetValueOrDefault("user_code") ?? "", userId, allow, cancellationToken))
            {
                return OAuthHtml.Error(context, "This code is unknown, expired or already answered.");
            }

            var message = allow ? "Done: your other device is signing in. You can close this page." : "The device was not allowed in.";
            return OAuthHtml.Document(context, "Done", $"<h1>{(allow ? "Device allowed" : "Device denied")}</h1><p>{message}</p>", 200, null);
        });
    }

    private static IResult EnterCode(HttpContext context, string? error)
    {
        var body = new StringBuilder("<h1>Sign in a device</h1><p>Type the code your other device shows.</p>")
            .Append(error is null ? "" : $"<p class=\"error\" role=\"alert\">{E(error)}</p>")
            .Append($"<form method=\"get\" action=\"{Path}\"><label for=\"user_code\">Code</label>")
            .Append("<input id=\"user_code\" name=\"user_code\" autocomplete=\"off\" autocapitalize=\"characters\" required autofocus>")
            .Append("<button type=\"submit\">Continue</button></form>");
        return OAuthHtml.Document(context, "Sign in a device", body.ToString(), error is null ? 200 : 400, null);
    }

    private static IResult Consent(HttpContext context, string csrf, string userId, DeviceGrant grant, OAuthClient client)
    {
        var name = client.Metadata.ClientName ?? client.Metadata.ClientUri.Host;
        var body = new StringBuilder("<h1>Allow this device?</h1>")
            .Append($"<p><strong>{E(name)}</strong> (<span class=\"client-host\">{E(client.Metadata.ClientUri.Host)}</span>) ")
            .Append($"on another device wants access to your account <strong>{E(userId)}</strong>.</p>")
            .Append($"<p>Check that the device shows the code <code class=\"user-code\">{E(grant.UserCode)}</code>.</p>")
            .Append("<ul class=\"scopes\"><li>Full access to your account: read and send messages, join and manage rooms, ")
            .Append($"change your settings</li><li>As a device with ID <code>{E(grant.DeviceId)}</code></li></ul>")
            .Append($"<form method=\"post\" action=\"{Path}\"><input type=\"hidden\" name=\"csrf\" value=\"{E(csrf)}\">")
            .Append($"<input type=\"hidden\" name=\"user_code\" value=\"{E(grant.UserCode)}\">")
            .Append("<div class=\"actions\"><button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>")
            .Append("<button type=\"submit\" name=\"decision\" value=\"deny\" class=\"secondary\">Deny</button></div></form>");
        return OAuthHtml.Document(context, "Allow this device?", body.ToString(), 200, null);
    }

    private static string E(string text) => HtmlEncoder.Default.Encode(text);
}
