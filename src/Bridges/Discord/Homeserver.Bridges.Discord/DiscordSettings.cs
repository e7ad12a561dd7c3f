namespace Homeserver.Bridges.Discord;

/// <summary>The Discord side of the bridge's settings (section <c>DiscordBridge:Discord</c>; environment
/// <c>DiscordBridge__Discord__BotToken</c>, <c>DiscordBridge__Discord__ApiBaseUrl</c>).</summary>
public sealed record DiscordSettings(string BotToken, Uri ApiBaseUrl)
{
    public const string Section = "DiscordBridge";
    public static readonly Uri DefaultApiBaseUrl = new("https://discord.com/api/v10/");

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

        var api = section["ApiBaseUrl"];
        if (string.IsNullOrWhiteSpace(api))
        {
            return new DiscordSettings(token.Trim(), DefaultApiBaseUrl);
        }

        if (!Uri.TryCreate(api.EndsWith('/') ? api : api + "/", UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"{Section}:Discord:ApiBaseUrl must be an http(s) URL, like {DefaultApiBaseUrl}");
        }

        return new DiscordSettings(token.Trim(), url);
    }
}
