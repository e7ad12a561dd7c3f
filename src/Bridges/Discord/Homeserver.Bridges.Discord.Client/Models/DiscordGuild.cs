namespace Homeserver.Bridges.Discord.Client.Models;

/// <summary>A guild (a "server"); GUILD_CREATE adds its channels, threads and members.</summary>
public sealed record DiscordGuild
{
    public Snowflake Id { get; init; }

    public string? Name { get; init; }

    /// <summary>The icon hash (a CDN path part), not a URL.</summary>
    public string? Icon { get; init; }

    public Snowflake? OwnerId { get; init; }

    public bool? Unavailable { get; init; }

    public IReadOnlyList<DiscordChannel>? Channels { get; init; }

    public IReadOnlyList<DiscordChannel>? Threads { get; init; }

    public IReadOnlyList<DiscordMember>? Members { get; init; }

    public int? MemberCount { get; init; }
}

/// <summary>A webhook; <see cref="Token"/> is present for incoming webhooks the bot may execute.</summary>
public sealed record DiscordWebhook
{
    public Snowflake Id { get; init; }

    public int Type { get; init; }

    public Snowflake? GuildId { get; init; }

    public Snowflake? ChannelId { get; init; }

    public string? Name { get; init; }

    public string? Avatar { get; init; }

    public string? Token { get; init; }

    public Snowflake? ApplicationId { get; init; }
}

/// <summary>The answer of <c>GET /gateway/bot</c>.</summary>
public sealed record GatewayBotInfo
{
    public string Url { get; init; } = "";

    public int Shards { get; init; } = 1;

    public SessionStartLimit SessionStartLimit { get; init; } = new();
}

/// <summary>How many more IDENTIFYs the bot may send before <see cref="ResetAfter"/> milliseconds.</summary>
public sealed record SessionStartLimit
{
    public int Total { get; init; }

    public int Remaining { get; init; }

    public long ResetAfter { get; init; }

    public int MaxConcurrency { get; init; } = 1;
}
