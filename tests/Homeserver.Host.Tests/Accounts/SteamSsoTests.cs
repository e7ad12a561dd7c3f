using System.Net;
using System.Web;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Accounts;

/// <summary>Sign in with Steam in a browser, end to end against the Steam stand-in (spec "Client login via SSO").</summary>
public sealed class SteamSsoTests
{
    private const string Login = "/_matrix/client/v3/login";

    [Fact]
    public async Task Get_login_lists_the_steam_identity_provider_and_the_ticket_type()
    {
        await using var sso = await SteamSsoServer.StartAsync();

        var (_, body) = await sso.Server.GetAsync(Login);

        var flows = body.GetProperty("flows").EnumerateArray().ToList();
        var flow = Assert.Single(flows, f => f.GetProperty("type").GetString() == "m.login.sso");
        var idp = Assert.Single(flow.GetProperty("identity_providers").EnumerateArray());
        Assert.Equal("steam", idp.GetProperty("id").GetString());
        Assert.Equal("Steam", idp.GetProperty("name").GetString());
        Assert.Equal("steam", idp.GetProperty("brand").GetString());
        Assert.Contains(flows, f => f.GetProperty("type").GetString() == "m.login.token");
        Assert.Contains(flows, f => f.GetProperty("type").GetString() == "org.homeserver.login.steam_ticket");
    }

    [Fact]
    public async Task When_disabled_there_is_no_sso_flow_and_the_redirect_is_404()
    {
        await using var sso = await SteamSsoServer.StartAsync(enabled: false);

        var (_, body) = await sso.Server.GetAsync(Login);
        var (response, cookie) = await sso.StartSignInAsync("https://client.example/");

        Assert.DoesNotContain(body.GetProperty("flows").EnumerateArray(),
            f => f.GetProperty("type").GetString() is "m.login.sso" or "org.homeserver.login.steam_ticket");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(cookie);
    }

    [Fact]
    public async Task The_redirect_sends_the_browser_to_steams_checkid_setup_with_identifier_select_and_a_cookie()
    {
        await using var sso = await SteamSsoServer.StartAsync();

        foreach (var path in new[] { SteamSsoServer.Redirect, "/_matrix/client/v3/login/sso/redirect" })
        {
            var (response, cookie) = await sso.StartSignInAsync("https://client.example/cb", path);

            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.NotNull(cookie);
            var location = response.Headers.Location!;
            Assert.Equal(sso.Steam.OpenIdUrl, location.GetLeftPart(UriPartial.Path));
            var query = HttpUtility.ParseQueryString(location.Query);
            Assert.Equal("http://specs.openid.net/auth/2.0", query["openid.ns"]);
            Assert.Equal("checkid_setup", query["openid.mode"]);
            Assert.Equal("http://specs.openid.net/auth/2.0/identifier_select", query["openid.identity"]);
            Assert.Equal("http://specs.openid.net/auth/2.0/identifier_select", query["openid.claimed_id"]);
            Assert.Equal(sso.BaseUrl + "/", query["openid.realm"]);
            Assert.StartsWith(sso.BaseUrl + "/_matrix/client/unstable/org.homeserver.sso/callback/steam?session=",
                query["openid.return_to"], StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(SteamSsoServer.Redirect, "")]
    [InlineData(SteamSsoServer.Redirect, "?redirectUrl=javascript%3Aalert(1)")]
    [InlineData("/_matrix/client/v3/login/sso/redirect/github", "?redirectUrl=https%3A%2F%2Fclient.example%2F")]
    public async Task A_missing_or_scripting_redirect_url_is_400_and_an_unknown_provider_404_as_html(string path, string query)
    {
        await using var sso = await SteamSsoServer.StartAsync();

        using var response = await sso.Server.Anonymous.GetAsync(path + query);

        Assert.Equal(query.Length == 0 || query.Contains("javascript", StringComparison.Ordinal)
            ? HttpStatusCode.BadRequest
            : HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task A_first_sign_in_makes_an_account_named_after_the_persona_while_registration_is_closed()
    {
        await using var sso = await SteamSsoServer.StartAsync();
        sso.Steam.State.LoggedInSteamId = "76561198000000001";
        sso.Personas["76561198000000001"] = "Gabe Newell";

        var token = await sso.LoginTokenAsync();
        var (status, login) = await sso.TokenLoginAsync(token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("@gabe_newell:localhost", login.GetProperty("user_id").GetString());
        var (_, profile) = await sso.Server.GetAsync("/_matrix/client/v3/profile/@gabe_newell:localhost");
        Assert.Equal("Gabe Newell", profile.GetProperty("displayname").GetString());
        Assert.StartsWith("mxc://localhost/", profile.GetProperty("avatar_url").GetString(), StringComparison.Ordinal);
        var (whoami, _) = await sso.Server.GetAsync("/_matrix/client/v3/account/whoami",
            login.GetProperty("access_token").GetString());
        Assert.Equal(HttpStatusCode.OK, whoami);
    }

    [Fact]
    public async Task A_second_sign_in_reaches_the_same_account_and_a_taken_name_is_numbered()
    {
        await using var sso = await SteamSsoServer.StartAsync();
        sso.Personas["76561198000000002"] = "Alice";
        sso.Personas["76561198000000003"] = "alice";

        sso.Steam.State.LoggedInSteamId = "76561198000000002";
        var first = (await sso.TokenLoginAsync(await sso.LoginTokenAsync())).Body.GetProperty("user_id").GetString();
        var again = (await sso.TokenLoginAsync(await sso.LoginTokenAsync())).Body.GetProperty("user_id").GetString();
        sso.Steam.State.LoggedInSteamId = "76561198000000003";
        var other = (await sso.TokenLoginAsync(await sso.LoginTokenAsync())).Body.GetProperty("user_id").GetString();

        Assert.Equal("@alice:localhost", first);
        Assert.Equal(first, again);
        Assert.Equal("@alice2:localhost", other);
    }

    [Fact]
    public async Task Without_a_web_api_key_the_account_is_steam_and_the_id()
    {
        await using var sso = await SteamSsoServer.StartAsync(withKey: false);
        sso.Steam.State.LoggedInSteamId = "76561198000000004";
        sso.Personas["76561198000000004"] = "Ignored";

        var (_, login) = await sso.TokenLoginAsync(await sso.LoginTokenAsync());

        Assert.Equal("@steam_76561198000000004:localhost", login.GetProperty("user_id").GetString());
    }

    [Fact]
    public async Task A_client_of_this_server_gets_its_token_by_redirect_and_others_after_a_confirmation_page()
    {
        await using var sso = await SteamSsoServer.StartAsync();

        var (trustedStatus, location, _) = await sso.SignInAsync(sso.BaseUrl + "/live/?room=x#top");
        var (otherStatus, _, page) = await sso.SignInAsync("https://client.example/cb");

        Assert.Equal(HttpStatusCode.Redirect, trustedStatus);
        Assert.Matches(@"/live/\?room=x&loginToken=[^&#]+#top$", location);
        Assert.Equal(HttpStatusCode.OK, otherStatus);
        Assert.Contains("Continuing will grant <strong>client.example</strong> access to your account", page,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_assertion_steam_does_not_confirm_is_refused_401()
    {
        await using var sso = await SteamSsoServer.StartAsync();
        sso.Steam.State.ConfirmAssertions = false;

        var (status, _, body) = await sso.SignInAsync("https://client.example/cb");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("Steam does not confirm", body, StringComparison.Ordinal);
        var asked = Assert.Single(sso.Steam.State.CheckAuthenticationRequests);
        Assert.Equal("check_authentication", asked["openid.mode"]);
    }

    [Fact]
    public async Task A_changed_field_breaks_steams_signature_and_is_refused()
    {
        await using var sso = await SteamSsoServer.StartAsync();
        var (toSteam, cookie) = await sso.StartSignInAsync("https://client.example/cb");
        var callback = await sso.AtSteamAsync(toSteam);

        var forged = callback.Replace("assoc_handle=1234567890", "assoc_handle=999", StringComparison.Ordinal);
        var (status, _, _) = await sso.CallbackAsync(forged, cookie);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task An_assertion_from_another_op_endpoint_is_refused_without_asking_it()
    {
        await using var sso = await SteamSsoServer.StartAsync();
        sso.Steam.State.OpEndpointOverride = "https://evil.example/openid/login";

        var (status, _, body) = await sso.SignInAsync("https://client.example/cb");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("another OpenID provider", body, StringComparison.Ordinal);
        Assert.Empty(sso.Steam.State.CheckAuthenticationRequests);
    }

    [Theory]
    [InlineData("https://evil.example/openid/id/76561198000000005")]
    [InlineData("https://steamcommunity.com/openid/id/not-a-number")]
    public async Task A_claimed_id_not_of_steams_form_is_refused(string claimedId)
    {
        await using var sso = await SteamSsoServer.StartAsync();
        sso.Steam.State.ClaimedIdOverride = claimedId;

        var (status, _, _) = await sso.SignInAsync("https://client.example/cb");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task A_replayed_nonce_is_refused()
    {
        await using var sso = await SteamSsoServer.StartAsync();
        sso.Steam.State.FixedNonce = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'",
            System.Globalization.CultureInfo.InvariantCulture) + "replayed";

        var (first, _, _) = await sso.SignInAsync("https://client.example/cb");
        var (second, _, body) = await sso.SignInAsync("https://client.example/cb");

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(HttpStatusCode.Unauthorized, second);
        Assert.Contains("used already", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_session_a_reused_callback_or_another_browser_is_refused_400()
    {
        await using var sso = await SteamSsoServer.StartAsync();
        var (toSteam, cookie) = await sso.StartSignInAsync("https://client.example/cb");
        var callback = await sso.AtSteamAsync(toSteam);

        var withoutCookie = await sso.CallbackAsync(callback, null);
        var otherCookie = await sso.CallbackAsync(callback, "hs_sso_session=mss_someone_else");
        var unknown = await sso.CallbackAsync(sso.BaseUrl +
            "/_matrix/client/unstable/org.homeserver.sso/callback/steam?session=nope&openid.mode=id_res", cookie);
        var ok = await sso.CallbackAsync(callback, cookie);
        var reused = await sso.CallbackAsync(callback, cookie);

        Assert.Equal(HttpStatusCode.BadRequest, withoutCookie.Status);
        Assert.Equal(HttpStatusCode.BadRequest, otherCookie.Status);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal(HttpStatusCode.BadRequest, reused.Status);
    }

    [Fact]
    public async Task Steam_down_at_the_callback_is_a_clean_502_page()
    {
        await using var sso = await SteamSsoServer.StartAsync();
        var (toSteam, cookie) = await sso.StartSignInAsync("https://client.example/cb");
        var callback = await sso.AtSteamAsync(toSteam);
        sso.Steam.State.Down = true;

        var (status, _, body) = await sso.CallbackAsync(callback, cookie);

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("Steam cannot be reached", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repeated_or_hostile_callback_parameters_are_400_pages()
    {
        await using var sso = await SteamSsoServer.StartAsync();
        var callback = sso.BaseUrl + "/_matrix/client/unstable/org.homeserver.sso/callback/steam";

        var repeated = await sso.CallbackAsync(callback + "?session=a&session=b", "hs_sso_session=x");
        var empty = await sso.CallbackAsync(callback, null);
        var huge = await sso.CallbackAsync(callback + "?session=" + new string('a', 5000), "hs_sso_session=x");

        Assert.All(new[] { repeated, empty, huge }, r => Assert.Equal(HttpStatusCode.BadRequest, r.Status));
    }

    [Fact]
    public async Task Starting_sign_ins_is_rate_limited_per_address()
    {
        await using var sso = await SteamSsoServer.StartAsync(rateLimited: true);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 22; i++)
        {
            statuses.Add((await sso.StartSignInAsync("https://client.example/cb")).Response.StatusCode);
        }

        Assert.All(statuses.Take(20), s => Assert.Equal(HttpStatusCode.Redirect, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task A_deactivated_linked_account_cannot_sign_in()
    {
        await using var sso = await SteamSsoServer.StartAsync();
        sso.Steam.State.LoggedInSteamId = "76561198000000006";
        var (_, login) = await sso.TokenLoginAsync(await sso.LoginTokenAsync());
        var accounts = sso.Server.Instance.App.Services.GetRequiredService<IAccountStore>();
        await accounts.DeactivateAsync(UserId.Parse(login.GetProperty("user_id").GetString()!), false,
            CancellationToken.None);

        var (status, _, _) = await sso.SignInAsync("https://client.example/cb");

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }
}
