using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;
using Homeserver.Testing.Steam;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Homeserver.Host.Tests.Accounts;

/// <summary>
/// A live server with Sign in with Steam pointed at a <see cref="SteamStandIn"/> (which also answers
/// GetPlayerSummaries and serves avatars for the personas the test sets), registration closed, and an appservice
/// "bridge" (<see cref="AsToken"/>). A browser is played by an HttpClient that follows no redirects and carries the
/// sign-in cookie by hand.
/// </summary>
internal sealed partial class SteamSsoServer : IAsyncDisposable
{
    public const string AsToken = "as_token_steam_bridge";
    public const string Redirect = "/_matrix/client/v3/login/sso/redirect/steam";
    private readonly TempDirectory _directory;
    private readonly HttpClient _browser = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });

    private SteamSsoServer(LiveServer server, SteamStandIn steam, TempDirectory directory,
        ConcurrentDictionary<string, string> personas)
    {
        Personas = personas;
        Server = server;
        Steam = steam;
        _directory = directory;
    }

    public LiveServer Server { get; }

    public SteamStandIn Steam { get; }

    /// <summary>SteamID64 to persona name, as GetPlayerSummaries answers.</summary>
    public ConcurrentDictionary<string, string> Personas { get; }

    public string BaseUrl => Server.Instance.Addresses[0].AbsoluteUri.TrimEnd('/');

    public static async Task<SteamSsoServer> StartAsync(bool withKey = true, bool enabled = true,
        bool rateLimited = false)
    {
        var state = new SteamStandInState();
        var personas = new ConcurrentDictionary<string, string>();
        var steam = await SteamStandIn.StartAsync(state, routes =>
        {
            routes.MapGet("/ISteamUser/GetPlayerSummaries/v2/", (HttpContext context) =>
            {
                var id = context.Request.Query["steamids"].ToString();
                var players = new JsonArray();
                if (context.Request.Query["key"] == state.WebApiKey && personas.TryGetValue(id, out var name))
                {
                    var avatar = $"{context.Request.Scheme}://{context.Request.Host}/avatars/{id}_full.jpg";
                    players.Add(new JsonObject { ["steamid"] = id, ["personaname"] = name, ["avatarfull"] = avatar });
                }

                return Results.Json(new JsonObject { ["response"] = new JsonObject { ["players"] = players } });
            });
            routes.MapGet("/avatars/{name}", () => Results.Bytes(TinyJpeg, "image/jpeg"));
        });
        var directory = new TempDirectory();
        var registration = Path.Combine(directory.Path, "steam-bridge.yaml");
        await File.WriteAllTextAsync(registration, $"""
            id: steam-bridge
            url: null
            as_token: {AsToken}
            hs_token: hs_token_steam_bridge
            sender_localpart: _steam_bot
            namespaces:
              users:
                - regex: "@_steam_.*"
                  exclusive: true
              aliases: []
              rooms: []
            """);
        var settings = new Dictionary<string, string?>
        {
            ["Registration:Enabled"] = "false",
            ["Sso:Steam:Enabled"] = enabled ? "true" : "false",
            ["Sso:Steam:OpenIdUrl"] = steam.OpenIdUrl,
            ["Sso:Steam:WebApiBaseUrl"] = steam.BaseUrl,
            ["Sso:Steam:WebApiKey"] = withKey ? state.WebApiKey : "",
            ["Sso:Steam:AppId"] = state.AppId,
            ["AppServices:ConfigFiles:0"] = registration,
            ["RateLimits:Enabled"] = rateLimited ? "true" : "false",
        };
        return new SteamSsoServer(await LiveServer.StartAsync(settings: settings), steam, directory, personas);
    }

    /// <summary>Starts a sign-in: the homeserver's 302 to Steam and the cookie it set.</summary>
    public async Task<(HttpResponseMessage Response, string? Cookie)> StartSignInAsync(string redirectUrl,
        string path = Redirect)
    {
        var response = await _browser.GetAsync($"{BaseUrl}{path}?redirectUrl={Uri.EscapeDataString(redirectUrl)}");
        var cookie = response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(v => v.Split(';')[0]).FirstOrDefault(v => v.StartsWith("hs_sso_session=", StringComparison.Ordinal))
            : null;
        return (response, cookie);
    }

    /// <summary>Follows the 302 to Steam: the stand-in signs in its <see cref="SteamStandInState.LoggedInSteamId"/>
    /// and answers with its 302 back to the callback; returns that callback URL.</summary>
    public async Task<string> AtSteamAsync(HttpResponseMessage toSteam)
    {
        Assert.Equal(HttpStatusCode.Redirect, toSteam.StatusCode);
        using var atSteam = await _browser.GetAsync(toSteam.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, atSteam.StatusCode);
        return atSteam.Headers.Location!.OriginalString;
    }

    /// <summary>The browser arriving at the callback with the cookie (or none).</summary>
    public async Task<(HttpStatusCode Status, string? Location, string Body)> CallbackAsync(string url, string? cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        using var response = await _browser.SendAsync(request);
        return (response.StatusCode, response.Headers.Location?.OriginalString, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A whole sign-in up to the callback's answer.</summary>
    public async Task<(HttpStatusCode Status, string? Location, string Body)> SignInAsync(string redirectUrl)
    {
        var (toSteam, cookie) = await StartSignInAsync(redirectUrl);
        Assert.NotNull(cookie);
        return await CallbackAsync(await AtSteamAsync(toSteam), cookie);
    }

    /// <summary>A sign-in that must succeed; returns the login token the client receives (through the confirmation
    /// page's link for a client of another origin).</summary>
    public async Task<string> LoginTokenAsync(string redirectUrl = "https://client.example/after-login")
    {
        var (status, location, body) = await SignInAsync(redirectUrl);
        var target = status == HttpStatusCode.Redirect
            ? location!
            : WebUtility.HtmlDecode(ContinueLink().Match(body) is { Success: true } match
                ? match.Groups[1].Value
                : throw new Xunit.Sdk.XunitException($"no continue link: {status} {body}"));
        Assert.StartsWith(redirectUrl, target, StringComparison.Ordinal);
        return System.Web.HttpUtility.ParseQueryString(new Uri(target).Query)["loginToken"]!;
    }

    /// <summary><c>m.login.token</c> with the token: the response body.</summary>
    public async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> TokenLoginAsync(string token) =>
        await Server.PostAsync("/_matrix/client/v3/login", new JsonObject { ["type"] = "m.login.token", ["token"] = token });

    public async ValueTask DisposeAsync()
    {
        _browser.Dispose();
        await Server.DisposeAsync();
        await Steam.DisposeAsync();
        _directory.Dispose();
    }

    // The smallest JPEG header a media repository accepts as image/jpeg content.
    private static readonly byte[] TinyJpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0xFF, 0xD9];

    [GeneratedRegex("<a class=\"continue\" href=\"([^\"]+)\"")]
    private static partial Regex ContinueLink();
}
