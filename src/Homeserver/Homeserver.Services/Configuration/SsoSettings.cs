namespace Homeserver.Services.Configuration;

/// <summary>Single sign-on identity providers (<c>Sso:*</c>); Steam is the only one.</summary>
public sealed record SsoSettings(SteamSsoSettings Steam)
{
    public static readonly SsoSettings Default = new(SteamSsoSettings.Default);

    internal static SsoSettings Read(SettingsReader.ValueReader reader) => new(SteamSsoSettings.Read(reader));
}

/// <summary>
/// Sign in with Steam (<c>Sso:Steam:*</c>): OpenID 2.0 against <paramref name="OpenIdUrl"/> for browsers, and the
/// <c>org.homeserver.login.steam_ticket</c> login type (a session ticket checked with the Web API) for games, which
/// needs the publisher <paramref name="WebApiKey"/> and the game's <paramref name="AppId"/>.
/// </summary>
public sealed record SteamSsoSettings(bool Enabled, Uri OpenIdUrl, Uri WebApiBaseUrl, string? WebApiKey, string? AppId)
{
    public static readonly SteamSsoSettings Default = new(false, new Uri("https://steamcommunity.com/openid/login"),
        new Uri("https://api.steampowered.com"), null, null);

    /// <summary>Game clients can log in with a session ticket.</summary>
    public bool TicketLoginEnabled => Enabled && WebApiKey is not null && AppId is not null;

    internal static SteamSsoSettings Read(SettingsReader.ValueReader reader)
    {
        var enabled = reader.Parse("Sso:Steam:Enabled", SettingsReader.ParseBool);
        var openId = reader.Parse("Sso:Steam:OpenIdUrl", RequiredHttpUrl);
        var webApi = reader.Parse("Sso:Steam:WebApiBaseUrl", RequiredHttpUrl);
        var key = reader.Parse("Sso:Steam:WebApiKey", text => (text.Length == 0 ? null : text, (string?)null));
        var appId = reader.Parse("Sso:Steam:AppId", text =>
            text.Length == 0 ? (null, null)
            : text.Length <= 10 && text.All(char.IsAsciiDigit) ? (text, null)
            : ((string?)null, $"'{text}' is not a Steam app ID (a number)"));
        return new SteamSsoSettings(enabled, openId ?? Default.OpenIdUrl, webApi ?? Default.WebApiBaseUrl, key, appId);
    }

    private static (Uri?, string?) RequiredHttpUrl(string text) =>
        text.Length == 0 ? (null, "cannot be empty") : SettingsReader.ParseOptionalHttpUrl(text);
}
