namespace Homeserver.Bridges.Discord;

/// <summary>The Discord side of the bridge's settings (section <c>DiscordBridge:Discord</c>; environment
/// <c>DiscordBridge__Discord__BotToken</c>, <c>DiscordBridge__Discord__ApiBaseUrl</c>,
/// <c>DiscordBridge__Discord__CdnBaseUrl</c>; and <c>DiscordBridge__Backfill__Limit</c>).</summary>
public sealed record DiscordSettings(string BotToken, Uri ApiBaseUrl)
{
    public const string Section = "DiscordBridge";
    public static readonly Uri DefaultApiBaseUrl = new("https://discord.com/api/v10/");
    public static readonly Uri DefaultCdnBaseUrl = new("https://cdn.discordapp.com/");

    /// <summary>Where avatars are fetched from (<c>avatars/{user}/{hash}.png</c>); also a host attachments may come from.</summary>
    public Uri CdnBaseUrl { get; init; } = DefaultCdnBaseUrl;

    /// <summary>How many of a channel's latest messages are bridged when it is linked (0: none).</summary>
    public int BackfillLimit { get; init; } = DefaultBackfillLimit;

    public const int DefaultBackfillLimit = 50;

    /// <summary>Reads the settings; throws <see cref="InvalidOperationException"/> naming what is missing or wrong.</summary>
    public static DiscordSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section).GetSection("Discord");
        var token = section["BotToken"];
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new InvalidOperationException($"{Section}:Discord:BotToken is required (the bot's token from Discord's developer portal)");
        }

        return new DiscordSettings(token.Trim(), BaseUrl(section, "ApiBaseUrl", DefaultApiBaseUrl))
        {
            CdnBaseUrl = BaseUrl(section, "CdnBaseUrl", DefaultCdnBaseUrl),
            BackfillLimit = Backfill(configuration.GetSection(Section).GetSection("Backfill")["Limit"]),
        };
    }

    private static int Backfill(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultBackfillLimit;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit)
            ? limit
            : throw new InvalidOperationException($"{Section}:Backfill:Limit must be a whole number of messages (0: no backfill)");
    }

    private static Uri BaseUrl(IConfigurationSection section, string key, Uri fallback)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"{Section}:Discord:{key} must be an http(s) URL, like {fallback}");
        }

        return url;
    }
}
