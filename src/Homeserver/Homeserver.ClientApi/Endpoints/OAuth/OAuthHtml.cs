using System.Text;
using System.Text.Encodings.Web;
using Homeserver.Services.OAuth;
using Microsoft.AspNetCore.Http;

namespace Homeserver.ClientApi.Endpoints.OAuth;

/// <summary>
/// The login, consent and error pages: plain server-rendered HTML with one stylesheet from this origin, no script.
/// Everything the client registered or sent is shown as encoded text; the CSP forbids anything but our stylesheet and
/// form posts to this origin (and, on the consent page, the redirect back to the client).
/// </summary>
internal static class OAuthHtml
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    public static IResult Login(HttpContext context, AuthorizationOutcome.Page page, string csrf, string serverName)
    {
        var body = new StringBuilder()
            .Append("<h1>Sign in</h1>")
            .Append(ClientLine(page.Client, $"wants to sign in to your account on <strong>{E(serverName)}</strong>."))
            .Append(ErrorLine(page.Error))
            .Append(FormStart(OAuthPaths.Login, page.Request.RequestId, csrf))
            .Append("<label for=\"username\">Username</label>")
            .Append("<input id=\"username\" name=\"username\" autocomplete=\"username\" autocapitalize=\"none\" required autofocus>")
            .Append("<label for=\"password\">Password</label>")
            .Append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>")
            .Append("<button type=\"submit\">Sign in</button></form>");
        return Document(context, "Sign in", body.ToString(), page.Error is null ? 200 : 401, null);
    }

    public static IResult Consent(HttpContext context, AuthorizationOutcome.Page page, string csrf)
    {
        var metadata = page.Client.Metadata;
        var body = new StringBuilder()
            .Append("<h1>Allow access?</h1>")
            .Append(ClientLine(page.Client, $"wants access to your account <strong>{E(page.SignedInAs!.Value.Value)}</strong>."))
            .Append(ErrorLine(page.Error))
            .Append("<ul class=\"scopes\"><li>Full access to your account: read and send messages, join and manage rooms, ")
            .Append("change your settings</li>")
            .Append($"<li>As a device with ID <code>{E(page.Request.DeviceId)}</code></li></ul>")
            .Append($"<p class=\"note\">You will be sent back to <code>{E(Origin(page.Request.RedirectUri) ?? page.Request.RedirectUri)}</code>.</p>");
        foreach (var (label, uri) in new[] { ("Terms of service", metadata.TosUri), ("Privacy policy", metadata.PolicyUri) })
        {
            if (uri is not null)
            {
                body.Append($"<p class=\"note\"><a href=\"{E(uri)}\" rel=\"noreferrer noopener\">{label} of the application</a></p>");
            }
        }

        body.Append(FormStart(OAuthPaths.Consent, page.Request.RequestId, csrf))
            .Append("<div class=\"actions\"><button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>")
            .Append("<button type=\"submit\" name=\"decision\" value=\"deny\" class=\"secondary\">Deny</button></div></form>")
            .Append(FormStart(OAuthPaths.Logout, page.Request.RequestId, csrf))
            .Append("<button type=\"submit\" class=\"link\">Not you? Sign out</button></form>");
        return Document(context, "Allow access?", body.ToString(), 200, FormTarget(page.Request.RedirectUri));
    }

    public static IResult Error(HttpContext context, string message, int status = 400) =>
        Document(context, "Cannot continue", $"<h1>Cannot continue</h1><p class=\"error\" role=\"alert\">{E(message)}</p>",
            status, null);

    /// <summary>The consent page posts a form whose answer redirects to the client: CSP's form-action must allow
    /// that destination too, or the browser stops at the redirect.</summary>
    public static string? FormTarget(string redirectUri) =>
        Origin(redirectUri) ?? (redirectUri.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon
            ? redirectUri[..(colon + 1)]
            : null);

    public const string Stylesheet = """
        :root{color-scheme:light dark;font-family:system-ui,sans-serif;--accent:#0b6e4f}
        body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:Canvas;color:CanvasText}
        main{width:min(26rem,92vw);padding:2rem;border:1px solid color-mix(in srgb,CanvasText 20%,transparent);border-radius:12px}
        h1{margin-top:0;font-size:1.4rem}
        label{display:block;margin-top:1rem;font-weight:600}
        input{box-sizing:border-box;width:100%;padding:.6rem;margin-top:.3rem;font:inherit;border-radius:6px;border:1px solid GrayText}
        button{margin-top:1.2rem;padding:.6rem 1.2rem;font:inherit;border:0;border-radius:6px;background:var(--accent);color:#fff;cursor:pointer}
        button.secondary{background:GrayText}
        button.link{background:none;color:LinkText;padding:0;text-decoration:underline}
        .actions{display:flex;gap:.8rem}
        .error{color:#b00020;font-weight:600}
        .note{font-size:.9rem;opacity:.8}
        code{overflow-wrap:anywhere}
        """;

    /// <summary>A page with the security headers every OAuth and account page has.</summary>
    internal static IResult Document(HttpContext context, string title, string body, int status, string? formTarget)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; " +
                                        $"form-action 'self'{(formTarget is null ? "" : " " + formTarget)}; " +
                                        "frame-ancestors 'none'; base-uri 'none'";
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        OAuthHttp.NoStore(context);
        var html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">" +
                   "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">" +
                   $"<title>{E(title)}</title><link rel=\"stylesheet\" href=\"{OAuthPaths.Stylesheet}\"></head>" +
                   $"<body><main>{body}</main></body></html>";
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    private static string ClientLine(OAuthClient client, string what)
    {
        var name = client.Metadata.ClientName ?? client.Metadata.ClientUri.Host;
        return $"<p><strong>{E(name)}</strong> (<span class=\"client-host\">{E(client.Metadata.ClientUri.Host)}</span>) {what}</p>";
    }

    private static string ErrorLine(string? error) =>
        error is null ? "" : $"<p class=\"error\" role=\"alert\">{E(error)}</p>";

    private static string FormStart(string action, string requestId, string csrf) =>
        $"<form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"request\" value=\"{E(requestId)}\">" +
        $"<input type=\"hidden\" name=\"csrf\" value=\"{E(csrf)}\">";

    private static string? Origin(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
            ? parsed.GetLeftPart(UriPartial.Authority)
            : null;

    private static string E(string text) => Encoder.Encode(text);
}
