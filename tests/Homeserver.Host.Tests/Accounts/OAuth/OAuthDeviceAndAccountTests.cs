using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Accounts.OAuth;

/// <summary>The device authorisation grant (MSC4341) and the account management pages (MSC4191) over HTTP.</summary>
public sealed class OAuthDeviceAndAccountTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private readonly LiveServer _server = fixture.Server;

    [Fact]
    public async Task Auth_metadata_advertises_the_device_grant_and_the_account_management_url()
    {
        var (_, body) = await _server.GetAsync("/_matrix/client/v1/auth_metadata");

        var root = _server.Anonymous.BaseAddress!.AbsoluteUri.TrimEnd('/');
        Assert.Equal(root + "/oauth2/device", body.GetProperty("device_authorization_endpoint").GetString());
        Assert.Contains("urn:ietf:params:oauth:grant-type:device_code",
            body.GetProperty("grant_types_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(root + "/account/", body.GetProperty("account_management_uri").GetString());
        Assert.Equal(["org.matrix.devices_list", "org.matrix.device_view", "org.matrix.device_delete",
                "org.matrix.cross_signing_reset"],
            body.GetProperty("account_management_actions_supported").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_device_polls_pending_then_gets_tokens_once_the_user_allows_it_in_a_browser()
    {
        var user = await _server.RegisterAsync();
        using var oauth = new OAuthBrowser(_server);
        var clientId = await RegisterDeviceClientAsync();
        var (startStatus, started) = await oauth.PostAsync("/oauth2/device", new()
        {
            ["client_id"] = clientId, ["scope"] = "urn:matrix:client:api:* urn:matrix:client:device:TVDEVICE01",
        });
        Assert.True(startStatus == HttpStatusCode.OK, started.ToString());
        var poll = new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:device_code",
            ["device_code"] = started.GetProperty("device_code").GetString()!,
            ["client_id"] = clientId,
        };

        var (_, pending) = await oauth.TokenAsync(poll);
        var (_, tooFast) = await oauth.TokenAsync(poll);
        await AllowInBrowserAsync(oauth, started.GetProperty("verification_uri_complete").GetString()!, user.UserId);
        var (status, tokens) = await oauth.TokenAsync(poll);
        var (_, again) = await oauth.TokenAsync(poll);

        Assert.Equal("authorization_pending", pending.GetProperty("error").GetString());
        Assert.Equal("slow_down", tooFast.GetProperty("error").GetString());
        Assert.True(status == HttpStatusCode.OK, tokens.ToString());
        Assert.Equal("TVDEVICE01", (await WhoAmIAsync(tokens.GetProperty("access_token").GetString()!))
            .GetProperty("device_id").GetString());
        Assert.Equal("invalid_grant", again.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_denied_device_gets_access_denied()
    {
        var user = await _server.RegisterAsync();
        using var oauth = new OAuthBrowser(_server);
        var clientId = await RegisterDeviceClientAsync();
        var (_, started) = await oauth.PostAsync("/oauth2/device", new()
        {
            ["client_id"] = clientId, ["scope"] = "urn:matrix:client:api:* urn:matrix:client:device:TVDEVICE02",
        });

        await AllowInBrowserAsync(oauth, started.GetProperty("verification_uri_complete").GetString()!, user.UserId,
            decision: "deny");
        var (_, denied) = await oauth.TokenAsync(new()
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:device_code",
            ["device_code"] = started.GetProperty("device_code").GetString()!,
            ["client_id"] = clientId,
        });

        Assert.Equal("access_denied", denied.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_account_page_lists_the_users_devices_and_signs_one_out()
    {
        var user = await _server.RegisterAsync();
        using var oauth = new OAuthBrowser(_server);
        var url = $"/account/?action=org.matrix.device_delete&device_id={user.DeviceId}";

        var login = await oauth.Browser.GetAsync(url);
        var signedIn = await oauth.PostFormAsync("/account/login", await login.Content.ReadAsStringAsync(),
            new() { ["username"] = user.UserId, ["password"] = LiveServer.Password });
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        Assert.Equal(url, signedIn.Headers.Location!.OriginalString);
        var confirm = await (await oauth.Browser.GetAsync(url)).Content.ReadAsStringAsync();
        Assert.Contains(user.DeviceId, confirm, StringComparison.Ordinal);
        var deleted = await oauth.PostFormAsync("/account/delete", confirm, new());
        var list = await (await oauth.Browser.GetAsync("/account/?action=org.matrix.devices_list")).Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.SeeOther, deleted.StatusCode);
        Assert.Contains("Your devices", list, StringComparison.Ordinal);
        Assert.DoesNotContain(user.DeviceId, list, StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_matrix/client/v3/account/whoami");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _server.Anonymous.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task An_oauth_session_replaces_cross_signing_keys_after_approving_the_m_oauth_stage_in_the_account_page()
    {
        const string upload = "/_matrix/client/v3/keys/device_signing/upload";
        var user = await _server.RegisterAsync();
        using var oauth = new OAuthBrowser(_server);
        var clientId = await oauth.RegisterClientAsync();
        var back = await oauth.SignInAndAllowAsync(oauth.AuthorizeUrl(clientId, "XSIGNDEV01"), user.UserId);
        var (_, tokens) = await oauth.ExchangeAsync(clientId, OAuthBrowser.QueryParameter(back, "code"));
        var token = tokens.GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _server.PostAsync(upload, CrossSigningKeys(user.UserId), token)).Status);

        var (challenged, challenge) = await _server.PostAsync(upload, CrossSigningKeys(user.UserId), token);
        Assert.Equal(HttpStatusCode.Unauthorized, challenged);
        Assert.Equal("m.oauth", challenge.GetProperty("flows")[0].GetProperty("stages")[0].GetString());
        var url = challenge.GetProperty("params").GetProperty("m.oauth").GetProperty("url").GetString()!;
        Assert.Contains("/account/?action=org.matrix.cross_signing_reset&session=", url, StringComparison.Ordinal);
        var session = challenge.GetProperty("session").GetString()!;
        var (early, _) = await _server.PostAsync(upload, WithAuth(CrossSigningKeys(user.UserId), session), token);
        var page = await (await oauth.Browser.GetAsync(url)).Content.ReadAsStringAsync();
        var approved = await oauth.PostFormAsync("/account/cross_signing_reset", page, new());
        var (replaced, body) = await _server.PostAsync(upload, WithAuth(CrossSigningKeys(user.UserId), session), token);

        Assert.Equal(HttpStatusCode.Unauthorized, early);
        Assert.Contains("Reset your cross-signing identity?", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.True(replaced == HttpStatusCode.OK, body.ToString());
    }

    private static JsonObject WithAuth(JsonObject keys, string session)
    {
        keys["auth"] = new JsonObject { ["session"] = session };
        return keys;
    }

    private static JsonObject CrossSigningKeys(string userId)
    {
        var (master, selfSigning) = (new Keys.TestKey(), new Keys.TestKey());
        JsonObject Key(string usage, Keys.TestKey key) => new()
        {
            ["user_id"] = userId,
            ["usage"] = new JsonArray(usage),
            ["keys"] = new JsonObject { ["ed25519:" + key.PublicKey] = key.PublicKey },
        };

        return new JsonObject
        {
            ["master_key"] = Key("master", master),
            ["self_signing_key"] = master.Sign(Key("self_signing", selfSigning), userId, master.PublicKey),
        };
    }

    private static async Task AllowInBrowserAsync(OAuthBrowser oauth, string verificationUri, string userId,
        string decision = "allow")
    {
        var login = await oauth.Browser.GetAsync(verificationUri);
        var signedIn = await oauth.PostFormAsync("/account/login", await login.Content.ReadAsStringAsync(),
            new() { ["username"] = userId, ["password"] = LiveServer.Password });
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        var consent = await (await oauth.Browser.GetAsync(signedIn.Headers.Location)).Content.ReadAsStringAsync();
        Assert.Contains("Allow this device?", consent, StringComparison.Ordinal);
        var answered = await oauth.PostFormAsync("/oauth2/link", consent, new() { ["decision"] = decision });
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    private async Task<string> RegisterDeviceClientAsync()
    {
        var response = await _server.Anonymous.PostAsJsonAsync("/oauth2/register", new JsonObject
        {
            ["client_name"] = "TV",
            ["client_uri"] = "https://tv.example/",
            ["application_type"] = "native",
            ["grant_types"] = new JsonArray("urn:ietf:params:oauth:grant-type:device_code", "refresh_token"),
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("client_id").GetString()!;
    }

    private async Task<JsonElement> WhoAmIAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_matrix/client/v3/account/whoami");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        var response = await _server.Anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
