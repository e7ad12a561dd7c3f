using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Accounts.OAuth;

/// <summary>The OAuth 2.0 API over HTTP: metadata, registration, the authorisation code grant through the server's
/// own login and consent pages, refresh and revocation.</summary>
public sealed class OAuthFlowTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private const string WhoAmI = "/_matrix/client/v3/account/whoami";
    private readonly LiveServer _server = fixture.Server;

    [Fact]
    public async Task Auth_metadata_names_the_endpoints_and_the_values_clients_require()
    {
        var (status, body) = await _server.GetAsync("/_matrix/client/v1/auth_metadata");

        Assert.Equal(HttpStatusCode.OK, status);
        var root = _server.Anonymous.BaseAddress!.AbsoluteUri.TrimEnd('/');
        Assert.Equal(root + "/oauth2/authorize", body.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(root + "/oauth2/token", body.GetProperty("token_endpoint").GetString());
        Assert.Equal(root + "/oauth2/revoke", body.GetProperty("revocation_endpoint").GetString());
        Assert.Equal(root + "/oauth2/register", body.GetProperty("registration_endpoint").GetString());
        Assert.Equal(["S256"], Strings(body, "code_challenge_methods_supported"));
        Assert.Equal(["query", "fragment"], Strings(body, "response_modes_supported"));
        Assert.Equal(["code"], Strings(body, "response_types_supported"));
        Assert.Contains("authorization_code", Strings(body, "grant_types_supported"));
        Assert.Contains("refresh_token", Strings(body, "grant_types_supported"));
        var (_, wellKnown) = await _server.GetAsync("/.well-known/matrix/client");
        Assert.Equal(body.GetProperty("issuer").GetString(),
            wellKnown.GetProperty("org.matrix.msc2965.authentication").GetProperty("issuer").GetString());
    }

    [Fact]
    public async Task The_code_grant_gives_tokens_for_the_scoped_device_that_work_on_the_client_api_and_refresh()
    {
        var user = await _server.RegisterAsync();
        using var oauth = new OAuthBrowser(_server);
        var clientId = await oauth.RegisterClientAsync();

        var back = await oauth.SignInAndAllowAsync(oauth.AuthorizeUrl(clientId, "OAUTHDEV01", state: "xyz 1"), user.UserId);

        Assert.StartsWith(OAuthBrowser.RedirectUri + "?", back.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal("xyz 1", OAuthBrowser.QueryParameter(back, "state"));
        var (status, tokens) = await oauth.ExchangeAsync(clientId, OAuthBrowser.QueryParameter(back, "code"));
        Assert.True(status == HttpStatusCode.OK, tokens.ToString());
        Assert.Equal("Bearer", tokens.GetProperty("token_type").GetString());
        Assert.Equal("urn:matrix:client:api:* urn:matrix:client:device:OAUTHDEV01", tokens.GetProperty("scope").GetString());
        Assert.True(tokens.GetProperty("expires_in").GetInt64() > 0);
        var whoami = await WhoAmIAsync(tokens.GetProperty("access_token").GetString()!);
        Assert.Equal(user.UserId, whoami.GetProperty("user_id").GetString());
        Assert.Equal("OAUTHDEV01", whoami.GetProperty("device_id").GetString());

        var (refreshStatus, refreshed) = await oauth.TokenAsync(new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!,
            ["client_id"] = clientId,
        });

        Assert.True(refreshStatus == HttpStatusCode.OK, refreshed.ToString());
        Assert.NotEqual(tokens.GetProperty("refresh_token").GetString(), refreshed.GetProperty("refresh_token").GetString());
        Assert.Equal("OAUTHDEV01", (await WhoAmIAsync(refreshed.GetProperty("access_token").GetString()!))
            .GetProperty("device_id").GetString());
    }

    [Fact]
    public async Task A_wrong_pkce_verifier_is_refused_with_invalid_grant()
    {
        var user = await _server.RegisterAsync();
        using var oauth = new OAuthBrowser(_server);
        var clientId = await oauth.RegisterClientAsync();
        var back = await oauth.SignInAndAllowAsync(oauth.AuthorizeUrl(clientId, "PKCEDEVICE"), user.UserId);

        var (status, body) = await oauth.ExchangeAsync(clientId, OAuthBrowser.QueryParameter(back, "code"),
            verifier: new string('a', 64));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("errcode", out _));
    }

    [Fact]
    public async Task A_reused_code_is_refused_and_revokes_the_tokens_it_gave()
    {
        var user = await _server.RegisterAsync();
        using var oauth = new OAuthBrowser(_server);
        var clientId = await oauth.RegisterClientAsync();
        var code = OAuthBrowser.QueryParameter(
            await oauth.SignInAndAllowAsync(oauth.AuthorizeUrl(clientId, "REUSEDCODE"), user.UserId), "code");
        var (_, first) = await oauth.ExchangeAsync(clientId, code);

        var (status, second) = await oauth.ExchangeAsync(clientId, code);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", second.GetProperty("error").GetString());
        var response = await WhoAmIResponseAsync(first.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_revoked_access_token_and_its_refresh_token_stop_working()
    {
        var user = await _server.RegisterAsync();
        using var oauth = new OAuthBrowser(_server);
        var clientId = await oauth.RegisterClientAsync();
        var code = OAuthBrowser.QueryParameter(
            await oauth.SignInAndAllowAsync(oauth.AuthorizeUrl(clientId, "REVOKEDDEV"), user.UserId), "code");
        var (_, tokens) = await oauth.ExchangeAsync(clientId, code);
        var accessToken = tokens.GetProperty("access_token").GetString()!;

        var (status, _) = await oauth.PostAsync("/oauth2/revoke", new()
        {
            ["token"] = accessToken, ["token_type_hint"] = "access_token", ["client_id"] = clientId,
        });

        Assert.Equal(HttpStatusCode.OK, status);
        var whoami = await WhoAmIResponseAsync(accessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, whoami.StatusCode);
        Assert.Equal("M_UNKNOWN_TOKEN", (await whoami.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errcode").GetString());
        var (refreshStatus, refreshed) = await oauth.TokenAsync(new()
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!,
            ["client_id"] = clientId,
        });
        Assert.Equal(HttpStatusCode.BadRequest, refreshStatus);
        Assert.Equal("invalid_grant", refreshed.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, (await oauth.PostAsync("/oauth2/revoke", new() { ["token"] = accessToken })).Status);
    }

    [Fact]
    public async Task An_unregistered_redirect_uri_shows_an_error_page_and_never_redirects()
    {
        using var oauth = new OAuthBrowser(_server);
        var clientId = await oauth.RegisterClientAsync();

        var response = await oauth.Browser.GetAsync(oauth.AuthorizeUrl(clientId, "DEVICE0001",
            redirectUri: "https://evil.example/callback"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("did not register", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", null)]
    [InlineData("S256", "too-short")]
    public async Task A_request_without_a_pkce_s256_challenge_goes_back_with_invalid_request_and_the_state(
        string method, string? challenge)
    {
        using var oauth = new OAuthBrowser(_server);
        var clientId = await oauth.RegisterClientAsync();

        var response = await oauth.Browser.GetAsync(oauth.AuthorizeUrl(clientId, "DEVICE0002", state: "s1",
            challenge: challenge, method: method, responseMode: "fragment"));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var location = response.Headers.Location!.AbsoluteUri;
        Assert.StartsWith(OAuthBrowser.RedirectUri + "#error=invalid_request&", location, StringComparison.Ordinal);
        Assert.EndsWith("&state=s1", location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Denying_consent_goes_back_with_access_denied()
    {
        var user = await _server.RegisterAsync();
        using var oauth = new OAuthBrowser(_server);
        var clientId = await oauth.RegisterClientAsync();

        var back = await oauth.SignInAndAllowAsync(oauth.AuthorizeUrl(clientId, "DENIEDDEV1"), user.UserId, decision: "deny");

        Assert.Equal("access_denied", OAuthBrowser.QueryParameter(back, "error"));
        Assert.Equal("st4te", OAuthBrowser.QueryParameter(back, "state"));
    }

    [Fact]
    public async Task A_form_without_the_csrf_token_of_its_session_cookie_is_refused()
    {
        var user = await _server.RegisterAsync();
        using var oauth = new OAuthBrowser(_server);
        var clientId = await oauth.RegisterClientAsync();
        var page = await (await oauth.Browser.GetAsync(oauth.AuthorizeUrl(clientId, "CSRFDEVICE"))).Content.ReadAsStringAsync();

        var withoutToken = await oauth.PostFormAsync("/oauth2/login", page,
            new() { ["username"] = user.UserId, ["password"] = LiveServer.Password }, withCsrf: false);
        using var otherBrowser = new OAuthBrowser(_server);
        var otherCookie = await otherBrowser.PostFormAsync("/oauth2/login", page,
            new() { ["username"] = user.UserId, ["password"] = LiveServer.Password });

        Assert.Equal(HttpStatusCode.Forbidden, withoutToken.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherCookie.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_shows_the_login_page_again_with_a_strict_csp()
    {
        var user = await _server.RegisterAsync();
        using var oauth = new OAuthBrowser(_server);
        var clientId = await oauth.RegisterClientAsync();
        var login = await oauth.Browser.GetAsync(oauth.AuthorizeUrl(clientId, "PASSWORDDV"));
        var page = await login.Content.ReadAsStringAsync();

        var retry = await oauth.PostFormAsync("/oauth2/login", page,
            new() { ["username"] = user.UserId, ["password"] = "wrong" });

        Assert.Equal(HttpStatusCode.Unauthorized, retry.StatusCode);
        Assert.Contains("Wrong username or password", await retry.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Test &lt;b&gt;client&lt;/b&gt;", page, StringComparison.Ordinal);
        var csp = login.Headers.GetValues("Content-Security-Policy").Single();
        Assert.StartsWith("default-src 'none'; style-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_requests_that_are_not_forms_or_lack_fields_answer_oauth_errors()
    {
        using var oauth = new OAuthBrowser(_server);
        var clientId = await oauth.RegisterClientAsync();

        var json = await _server.Anonymous.PostAsJsonAsync("/oauth2/token", new { grant_type = "authorization_code" });
        var (noGrant, noGrantBody) = await oauth.TokenAsync(new() { ["client_id"] = clientId });
        var (unknownClient, unknownBody) = await oauth.TokenAsync(new() { ["grant_type"] = "refresh_token", ["client_id"] = "nope", ["refresh_token"] = "x" });
        var (password, passwordBody) = await oauth.TokenAsync(new() { ["grant_type"] = "password", ["client_id"] = clientId });

        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Equal("invalid_request", (await json.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (noGrant, noGrantBody.GetProperty("error").GetString()));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (unknownClient, unknownBody.GetProperty("error").GetString()));
        Assert.Equal((HttpStatusCode.BadRequest, "unsupported_grant_type"), (password, passwordBody.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Registering_a_redirect_uri_off_the_client_host_is_refused()
    {
        var response = await _server.Anonymous.PostAsJsonAsync("/oauth2/register", new
        {
            client_uri = "https://client.example/",
            redirect_uris = new[] { "https://evil.example/callback" },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_redirect_uri",
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    private async Task<JsonElement> WhoAmIAsync(string accessToken)
    {
        var response = await WhoAmIResponseAsync(accessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<HttpResponseMessage> WhoAmIResponseAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, WhoAmI);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await _server.Anonymous.SendAsync(request);
    }

    private static List<string?> Strings(JsonElement body, string name) =>
        body.GetProperty(name).EnumerateArray().Select(e => e.GetString()).ToList();
}
