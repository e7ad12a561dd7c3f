namespace Homeserver.Bridges.Discord.Client.Models;

/// <summary>A guild channel, DM or thread (threads are channels with a parent).</summary>
public sealed record DiscordChannel
{
    public Snowflake Id { get; init; }

    public DiscordChannelType Type { get; init; }

    public Snowflake? GuildId { get; init; }

    public string? Name { get; init; }

    public string? Topic { get; init; }

    public int? Position { get; init; }

    /// <summary>The category of a channel, or the channel a thread belongs to.</summary>
    public Snowflake? ParentId { get; init; }

    public Snowflake? OwnerId { get; init; }

    public Snowflake? LastMessageId { get; init; }

    public bool? Nsfw { get; init; }

    public IReadOnlyList<DiscordUser>? Recipients { get; init; }

    public DiscordThreadMetadata? ThreadMetadata { get; init; }

    public bool IsThread => Type is DiscordChannelType.AnnouncementThread or DiscordChannelType.PublicThread
        or DiscordChannelType.PrivateThread;
}

/// <summary>Channel types (Discord's numbers).</summary>
public enum DiscordChannelType
{
    GuildText = 0,
    DirectMessage = 1,
    GuildVoice = 2,
    GroupDirectMessage = 3,
    GuildCategory = 4,
    GuildAnnouncement = 5,
    AnnouncementThread = 10,
    PublicThread = 11,
    PrivateThread = 12,
    GuildStageVoice = 13,
    GuildDirectory = 14,
    GuildForum = 15,
    GuildMedia = 16,
}

/// <summary>A thread's state.</summary>
public sealed record DiscordThreadMetadata
{
    public bool Archived { get; init; }

    public int? AutoArchiveDuration { get; init; }

    public bool? Locked { get; init; }
}
