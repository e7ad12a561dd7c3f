using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Homeserver.Core.Encoding;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Accounts.OAuth;

/// <summary>
/// A client of the OAuth 2.0 API over HTTP, and a cookie-keeping "browser" (no redirects followed) that fills in the
/// server's login and consent forms as a person would.
/// </summary>
internal sealed partial class OAuthBrowser : IDisposable
{
    public const string RegisteredRedirectUri = "http://127.0.0.1/callback";
    public const string RedirectUri = "http://127.0.0.1:5555/callback";

    private readonly LiveServer _server;

    public OAuthBrowser(LiveServer server)
    {
        _server = server;
        Browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = server.Anonymous.BaseAddress,
        };
    }

    public HttpClient Browser { get; }

    public string Verifier { get; } = UnpaddedBase64.EncodeUrlSafe(RandomNumberGenerator.GetBytes(48));

    public string Challenge => UnpaddedBase64.EncodeUrlSafe(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));

    public void Dispose() => Browser.Dispose();

    /// <summary>Registers a native client with the loopback redirect URI; returns its client ID.</summary>
    public async Task<string> RegisterClientAsync()
    {
        var response = await _server.Anonymous.PostAsJsonAsync("/oauth2/register", new JsonObject
        {
            ["client_name"] = "Test <b>client</b>",
            ["client_uri"] = "https://client.example/",
            ["application_type"] = "native",
            ["redirect_uris"] = new JsonArray(RegisteredRedirectUri),
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
            ["token_endpoint_auth_method"] = "none",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("client_id").GetString()!;
    }

    public string AuthorizeUrl(string clientId, string deviceId, string state = "st4te", string? challenge = null,
        string method = "S256", string redirectUri = RedirectUri, string responseMode = "query") =>
        "/oauth2/authorize?" + string.Join('&', new Dictionary<string, string>
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = $"urn:matrix:client:api:* urn:matrix:client:device:{deviceId}",
            ["state"] = state,
            ["response_mode"] = responseMode,
            ["code_challenge"] = challenge ?? Challenge,
            ["code_challenge_method"] = method,
        }.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));

    /// <summary>Opens the authorization URL, signs in and allows; returns the redirect back to the client.</summary>
    public async Task<Uri> SignInAndAllowAsync(string authorizeUrl, string user, string password = LiveServer.Password,
        string decision = "allow")
    {
        var login = await Browser.GetAsync(authorizeUrl);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var consent = await PostFormAsync("/oauth2/login", await login.Content.ReadAsStringAsync(),
            new() { ["username"] = user, ["password"] = password });
        Assert.Equal(HttpStatusCode.SeeOther, consent.StatusCode);
        var consentPage = await Browser.GetAsync(consent.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, consentPage.StatusCode);
        var html = await consentPage.Content.ReadAsStringAsync();
        Assert.Contains("Allow access?", html, StringComparison.Ordinal);
        var back = await PostFormAsync("/oauth2/consent", html, new() { ["decision"] = decision });
        Assert.Equal(HttpStatusCode.SeeOther, back.StatusCode);
        return back.Headers.Location!;
    }

    /// <summary>Posts a form of the page: its hidden fields (request, CSRF token, return target...), plus
    /// <paramref name="fields"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string action, string pageHtml, Dictionary<string, string> fields,
        bool withCsrf = true)
    {
        var form = new Dictionary<string, string>(fields);
        foreach (Match input in HiddenInput().Matches(pageHtml))
        {
            form.TryAdd(input.Groups["name"].Value, System.Net.WebUtility.HtmlDecode(input.Groups["value"].Value));
        }

        if (!withCsrf)
        {
            form.Remove("csrf");
        }

        return await Browser.PostAsync(action, new FormUrlEncodedContent(form));
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(Dictionary<string, string> form) =>
        await PostAsync("/oauth2/token", form);

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, Dictionary<string, string> form)
    {
        var response = await _server.Anonymous.PostAsync(path, new FormUrlEncodedContent(form));
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> ExchangeAsync(string clientId, string code,
        string? verifier = null) => TokenAsync(new()
    {
        ["grant_type"] = "authorization_code",
        ["code"] = code,
        ["redirect_uri"] = RedirectUri,
        ["client_id"] = clientId,
        ["code_verifier"] = verifier ?? Verifier,
    });

    public static string QueryParameter(Uri uri, string name) =>
        System.Web.HttpUtility.ParseQueryString(uri.Query)[name]
        ?? throw new InvalidOperationException($"{uri} has no {name}");

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[a-z_]+)\" value=\"(?<value>[^\"]*)\">")]
    private static partial Regex HiddenInput();
}
