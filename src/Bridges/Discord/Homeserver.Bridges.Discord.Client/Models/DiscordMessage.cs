using System.Text.Json;

namespace Homeserver.Bridges.Discord.Client.Models;

/// <summary>A message. In MESSAGE_UPDATE dispatches Discord may send only some fields, hence the nullables.</summary>
public sealed record DiscordMessage
{
    public Snowflake Id { get; init; }

    public Snowflake ChannelId { get; init; }

    public Snowflake? GuildId { get; init; }

    public DiscordUser? Author { get; init; }

    public DiscordMember? Member { get; init; }

    public string? Content { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    public DateTimeOffset? EditedTimestamp { get; init; }

    public int Type { get; init; }

    public int? Flags { get; init; }

    public bool? Tts { get; init; }

    public bool? MentionEveryone { get; init; }

    public IReadOnlyList<DiscordUser>? Mentions { get; init; }

    public IReadOnlyList<Snowflake>? MentionRoles { get; init; }

    public IReadOnlyList<DiscordAttachment>? Attachments { get; init; }

    public IReadOnlyList<JsonElement>? Embeds { get; init; }

    public IReadOnlyList<DiscordReaction>? Reactions { get; init; }

    /// <summary>Set when a webhook posted the message.</summary>
    public Snowflake? WebhookId { get; init; }

    public DiscordMessageReference? MessageReference { get; init; }

    public DiscordMessage? ReferencedMessage { get; init; }

    /// <summary>The thread started from this message, if any.</summary>
    public DiscordChannel? Thread { get; init; }
}

/// <summary>A file attached to a message.</summary>
public sealed record DiscordAttachment
{
    public Snowflake Id { get; init; }

    public string Filename { get; init; } = "";

    public string? Description { get; init; }

    public string? ContentType { get; init; }

    public long Size { get; init; }

    public string Url { get; init; } = "";

    public string? ProxyUrl { get; init; }

    public int? Width { get; init; }

    public int? Height { get; init; }
}

/// <summary>The reply (or forward) a message points at.</summary>
public sealed record DiscordMessageReference
{
    public int? Type { get; init; }

    public Snowflake? MessageId { get; init; }

    public Snowflake? ChannelId { get; init; }

    public Snowflake? GuildId { get; init; }

    /// <summary>False lets a reply be sent even when its target is gone.</summary>
    public bool? FailIfNotExists { get; init; }
}

/// <summary>A reaction count on a message.</summary>
public sealed record DiscordReaction
{
    public int Count { get; init; }

    public bool Me { get; init; }

    public DiscordEmoji Emoji { get; init; } = new();
}
