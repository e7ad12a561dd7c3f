namespace Homeserver.Bridges.Discord;

/// <summary>The Discord side of the bridge's settings (section <c>DiscordBridge:Discord</c>; environment
/// <c>DiscordBridge__Discord__BotToken</c>, <c>DiscordBridge__Discord__ApiBaseUrl</c>,
/// <c>DiscordBridge__Discord__CdnBaseUrl</c>).</summary>
public sealed record DiscordSettings(string BotToken, Uri ApiBaseUrl)
{
    public const string Section = "DiscordBridge";
    public static readonly Uri DefaultApiBaseUrl = new("https://discord.com/api/v10/");
    public static readonly Uri DefaultCdnBaseUrl = new("https://cdn.discordapp.com/");

    /// <summary>Where avatars are fetched from (<c>avatars/{user}/{hash}.png</c>); also a host attachments may come from.</summary>
    public Uri CdnBaseUrl { get; init; } = DefaultCdnBaseUrl;

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
        };
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
