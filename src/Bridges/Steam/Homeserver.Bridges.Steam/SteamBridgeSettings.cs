using System.Globalization;
using Homeserver.Bridges.AppService;
using Homeserver.Bridges.Steam.Client;

namespace Homeserver.Bridges.Steam;

/// <summary>
/// The bridge's settings, section <c>SteamBridge</c>: the SDK's (<c>Homeserver:Url</c>, <c>Homeserver:ServerName</c>,
/// <c>Registration</c>, <c>Listen</c>, <c>Database:ConnectionString</c>) and <c>Steam:WebApiBaseUrl</c> (default
/// https://api.steampowered.com), <c>Steam:WebApiKey</c> (required), <c>Steam:PollSeconds</c> (default 60; the friend
/// lists are read every 10 polls' worth of that), <c>Steam:DailyCallBudget</c> (default 100000, 0: none).
/// </summary>
public sealed record SteamBridgeSettings(AppServiceSettings AppService, Uri WebApiBaseUrl, string WebApiKey, TimeSpan PollPeriod,
    int DailyCallBudget)
{
    public const string Section = "SteamBridge";
    public const int FriendsEveryPolls = 10;

    public TimeSpan FriendsPeriod => PollPeriod * FriendsEveryPolls;

    /// <summary>Reads the section; throws <see cref="InvalidOperationException"/> naming every problem.</summary>
    public static SteamBridgeSettings Read(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var problems = new List<string>();
        AppServiceSettings? appService = null;
        try
        {
            appService = AppServiceSettings.Read(section);
        }
        catch (InvalidOperationException e)
        {
            problems.Add(e.Message);
        }

        var baseText = section["Steam:WebApiBaseUrl"];
        var baseUrl = SteamWebApiOptions.DefaultBaseUrl;
        if (!string.IsNullOrWhiteSpace(baseText) &&
            (!Uri.TryCreate(baseText, UriKind.Absolute, out baseUrl!) || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps)))
        {
            problems.Add($"{section.Path}:Steam:WebApiBaseUrl must be an http(s) URL, not '{baseText}'");
        }

        var key = section["Steam:WebApiKey"];
        if (string.IsNullOrWhiteSpace(key))
        {
            problems.Add($"{section.Path}:Steam:WebApiKey is required (https://steamcommunity.com/dev/apikey)");
        }

        var poll = Number(section, "Steam:PollSeconds", 60, 0.05, problems);
        var budget = Number(section, "Steam:DailyCallBudget", 100_000, 0, problems);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        }

        return new SteamBridgeSettings(appService!, baseUrl, key!, TimeSpan.FromSeconds(poll), (int)budget);
    }

    private static double Number(IConfigurationSection section, string key, double fallback, double minimum, List<string> problems)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < minimum ||
            value > int.MaxValue)
        {
            problems.Add($"{section.Path}:{key} must be a number of at least {minimum.ToString(CultureInfo.InvariantCulture)}, not '{text}'");
            return fallback;
        }

        return value;
    }
}
