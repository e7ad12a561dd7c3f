using Homeserver.Services.Configuration;
using Homeserver.Services.Sso;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Services.Tests.Sso;

/// <summary>The small rules around Sign in with Steam: localparts from persona names, client URLs, tickets, settings.</summary>
public sealed class SteamSsoRulesTests
{
    [Theory]
    [InlineData("Gabe Newell", "gabe_newell")]
    [InlineData("  __xX_Sniper_Xx__ ", "xx_sniper_xx")]
    [InlineData("Ünïcödé", "n_c_d")]
    [InlineData("a.b-c=d", "a.b-c=d")]
    [InlineData("12345", null)]
    [InlineData("___", null)]
    [InlineData("日本語", null)]
    [InlineData("", null)]
    public void Persona_names_become_valid_localparts_or_nothing(string persona, string? expected)
    {
        Assert.Equal(expected, SteamAccounts.Sanitise(persona));
    }

    [Fact]
    public void Taken_names_are_numbered_then_the_steam_id_is_used()
    {
        var candidates = SteamAccounts.LocalpartCandidates("Gabe", "76561197960287930").ToList();

        Assert.Equal(["gabe", "gabe2", "gabe3"], candidates.Take(3));
        Assert.Equal("steam_76561197960287930", candidates[^1]);
        Assert.Equal(["steam_76561197960287930"], SteamAccounts.LocalpartCandidates(null, "76561197960287930"));
    }

    [Fact]
    public void Long_names_stay_within_the_localpart_limit_when_numbered()
    {
        Assert.All(SteamAccounts.LocalpartCandidates(new string('a', 300), "76561197960287930"),
            candidate => Assert.True(candidate.Length <= 64));
    }

    [Theory]
    [InlineData("https://app.example/cb", true)]
    [InlineData("element://vector/webapp/", true)]
    [InlineData("http://localhost:8080/", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("data:text/html,hi", false)]
    [InlineData("/relative", false)]
    [InlineData("https://app.example/\ncb", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Client_urls_are_absolute_and_of_no_scripting_scheme(string? url, bool ok)
    {
        Assert.Equal(ok, SteamSignIn.IsAcceptableClientUrl(url));
    }

    [Theory]
    [InlineData("https://app.example/cb", "https://app.example/cb?loginToken=t%2B1")]
    [InlineData("https://app.example/cb?x=1", "https://app.example/cb?x=1&loginToken=t%2B1")]
    [InlineData("https://app.example/cb?", "https://app.example/cb?loginToken=t%2B1")]
    [InlineData("https://app.example/#/room", "https://app.example/?loginToken=t%2B1#/room")]
    public void The_login_token_is_added_to_the_client_url_keeping_its_query_and_fragment(string url, string expected)
    {
        Assert.Equal(expected, SteamSignIn.AddQueryParameter(url, "loginToken", "t+1"));
    }

    [Theory]
    [InlineData("14000000AbCdEf", true)]
    [InlineData("abc", false)]
    [InlineData("zz", false)]
    [InlineData("", false)]
    public void Tickets_are_hex(string ticket, bool ok)
    {
        Assert.Equal(ok, SteamTicketLoginMethod.IsHexTicket(ticket));
    }

    [Theory]
    [InlineData("https://avatars.steamstatic.com/abc_full.jpg", true)]
    [InlineData("https://avatars.fastly.steamstatic.com/abc_full.jpg", true)]
    [InlineData("http://avatars.steamstatic.com/abc_full.jpg", false)]
    [InlineData("https://steamstatic.com.evil.example/a.jpg", false)]
    [InlineData("http://169.254.169.254/latest/meta-data", false)]
    [InlineData("http://127.0.0.1:9999/avatar.jpg", true)]
    [InlineData("http://127.0.0.1:9998/avatar.jpg", false)]
    public void Avatars_come_only_from_steams_image_host_or_the_configured_web_api(string url, bool ok)
    {
        Assert.Equal(ok, SteamAccounts.IsSteamAvatarHost(new Uri(url), new Uri("http://127.0.0.1:9999")));
    }

    [Fact]
    public void Steam_settings_default_to_off_with_steams_urls()
    {
        var steam = SettingsReader.Read(new ConfigurationBuilder().Build(), "/srv").Sso.Steam;

        Assert.False(steam.Enabled);
        Assert.Equal(new Uri("https://steamcommunity.com/openid/login"), steam.OpenIdUrl);
        Assert.Equal(new Uri("https://api.steampowered.com"), steam.WebApiBaseUrl);
        Assert.Null(steam.WebApiKey);
        Assert.False(steam.TicketLoginEnabled);
    }

    [Fact]
    public void Steam_settings_are_read_and_checked()
    {
        var steam = Read(("Homeserver:Sso:Steam:Enabled", "true"), ("Homeserver:Sso:Steam:WebApiKey", "k"),
            ("Homeserver:Sso:Steam:AppId", "480"), ("Homeserver:Sso:Steam:OpenIdUrl", "http://127.0.0.1:1/openid/login"))
            .Settings!.Sso.Steam;
        Assert.True(steam.TicketLoginEnabled);
        Assert.Equal("http://127.0.0.1:1/openid/login", steam.OpenIdUrl.AbsoluteUri);

        var (settings, errors) = Read(("Homeserver:Sso:Steam:OpenIdUrl", "ftp://x"), ("Homeserver:Sso:Steam:AppId", "abc"));
        Assert.Null(settings);
        Assert.Contains(errors, e => e.Contains("Sso:Steam:OpenIdUrl", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Sso:Steam:AppId", StringComparison.Ordinal));
    }

    private static (HomeserverSettings? Settings, IReadOnlyList<string> Errors) Read(params (string Key, string Value)[] values) =>
        SettingsReader.TryRead(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build(), "/srv");
}
