using System.Text.RegularExpressions;
using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.AppService.Store;
using Homeserver.Bridges.Discord.Client;
using Homeserver.Bridges.Discord.Formatting;

namespace Homeserver.Bridges.Discord;

/// <summary>A Discord custom emoji: its ID, name and whether it is animated.</summary>
public sealed record DiscordCustomEmoji(Snowflake Id, string Name, bool Animated)
{
    /// <summary>How Discord writes it in message content: <c>&lt;:name:id&gt;</c> or <c>&lt;a:name:id&gt;</c>.</summary>
    public string InlineForm => $"<{(Animated ? "a" : "")}:{Name}:{Id}>";

    /// <summary>How the reactions routes name it: <c>name:id</c>.</summary>
    public string RouteForm => $"{Name}:{Id}";

    /// <summary>The <c>:name:</c> text Matrix shows for it.</summary>
    public string Shortcode => $":{Name}:";
}

/// <summary>
/// Discord custom emoji as Matrix images: each emoji's image is fetched once from Discord's CDN
/// (<c>emojis/{id}.png</c>, <c>.gif</c> when animated), uploaded to the media repo by the bot, and the mxc URI
/// remembered both ways in the mapping store, so Matrix reactions and inline emoticons with that mxc go back as the
/// Discord emoji.
/// </summary>
public sealed partial class CustomEmoji(DiscordMedia media, IMappingStore mappings, Intents intents, DiscordSettings settings,
    ILogger<CustomEmoji> logger)
{
    /// <summary>The mxc URI of the emoji's image, uploaded the first time; null when its image cannot be had.</summary>
    public async Task<string?> MxcAsync(DiscordCustomEmoji emoji, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emoji);
        var remoteId = emoji.Id.ToString();
        if ((await mappings.FindByRemoteAsync(BridgeKinds.Emoji, remoteId, cancellationToken)) is [var known, ..])
        {
            return known.MatrixId;
        }

        var file = $"{emoji.Id}.{(emoji.Animated ? "gif" : "png")}";
        if (await media.DownloadAsync(new Uri(settings.CdnBaseUrl, "emojis/" + file).ToString(), cancellationToken) is not
            (var content, var contentType) || !contentType.StartsWith("image/", StringComparison.Ordinal))
        {
            LogEmojiUnavailable(logger, remoteId);
            return null;
        }

        var mxc = await intents.Bot.UploadAsync(content, contentType, file, cancellationToken);
        await mappings.TryAddAsync(new Mapping(BridgeKinds.Emoji, remoteId, (emoji.Animated ? "a:" : "") + emoji.Name, mxc, null),
            cancellationToken);
        return (await mappings.FindByRemoteAsync(BridgeKinds.Emoji, remoteId, cancellationToken)) is [var stored, ..] ? stored.MatrixId : mxc;
    }

    /// <summary>The Discord emoji an mxc URI is the image of, or null.</summary>
    public async Task<DiscordCustomEmoji?> ByMxcAsync(string mxc, CancellationToken cancellationToken) =>
        mxc.StartsWith("mxc://", StringComparison.Ordinal) &&
        await mappings.FindByMatrixAsync(BridgeKinds.Emoji, mxc, cancellationToken) is { } mapping &&
        Snowflake.TryParse(mapping.RemoteId, out var id)
            ? new DiscordCustomEmoji(id, mapping.Part.StartsWith("a:", StringComparison.Ordinal) ? mapping.Part[2..] : mapping.Part,
                mapping.Part.StartsWith("a:", StringComparison.Ordinal))
            : null;

    /// <summary>The images of the custom emoji written in Discord content, uploaded as needed, by emoji ID.</summary>
    public async Task<IReadOnlyDictionary<string, string>> InContentAsync(string? content, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in DiscordMarkdown.MentionOrEmoji().Matches(content ?? ""))
        {
            var kind = match.Groups["kind"].Value;
            if (kind is not (":" or "a:") || seen.Count >= MaxPerMessage || !seen.Add(match.Groups["id"].Value) ||
                !Snowflake.TryParse(match.Groups["id"].Value, out var id))
            {
                continue;
            }

            if (await MxcAsync(new DiscordCustomEmoji(id, match.Groups["name"].Value, kind == "a:"), cancellationToken) is { } mxc)
            {
                found[match.Groups["id"].Value] = mxc;
            }
        }

        return found;
    }

    /// <summary>The Discord emoji of the mxc URIs in Matrix HTML that are custom emoji images, by mxc URI.</summary>
    public async Task<IReadOnlyDictionary<string, DiscordCustomEmoji>> InHtmlAsync(string? html, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, DiscordCustomEmoji>(StringComparer.Ordinal);
        foreach (var mxc in MxcUri().Matches(html ?? "").Select(m => m.Value).Distinct(StringComparer.Ordinal).Take(MaxPerMessage))
        {
            if (await ByMxcAsync(mxc, cancellationToken) is { } emoji)
            {
                found[mxc] = emoji;
            }
        }

        return found;
    }

    /// <summary>A name Discord would take for an emoji (letters, digits and underscores, 2 to 32), else "emoji".</summary>
    public static string SafeName(string? name) => name is { Length: >= 2 and <= 32 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
        ? name
        : "emoji";

    private const int MaxPerMessage = 50;

    [GeneratedRegex(@"mxc://[A-Za-z0-9.\-:\[\]]+/[A-Za-z0-9_\-]+")]
    private static partial Regex MxcUri();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The image of Discord emoji {EmojiId} could not be fetched; it goes as its name")]
    private static partial void LogEmojiUnavailable(ILogger logger, string emojiId);
}
