namespace Homeserver.Bridges.Discord.Client.Models;

/// <summary>A Discord user (bots and webhooks' authors too).</summary>
public sealed record DiscordUser
{
    public Snowflake Id { get; init; }

    public string Username { get; init; } = "";

    public string? Discriminator { get; init; }

    /// <summary>The display name the user chose, when they set one.</summary>
    public string? GlobalName { get; init; }

    /// <summary>The avatar hash (a CDN path part), not a URL.</summary>
    public string? Avatar { get; init; }

    public bool? Bot { get; init; }

    public string DisplayName => string.IsNullOrEmpty(GlobalName) ? Username : GlobalName;
}

/// <summary>A user's membership of a guild.</summary>
public sealed record DiscordMember
{
    public DiscordUser? User { get; init; }

    public string? Nick { get; init; }

    public string? Avatar { get; init; }

    public IReadOnlyList<Snowflake> Roles { get; init; } = [];

    public DateTimeOffset? JoinedAt { get; init; }
}

/// <summary>An emoji: unicode (only a name) or custom (an ID and a name).</summary>
public sealed record DiscordEmoji
{
    public Snowflake? Id { get; init; }

    public string? Name { get; init; }

    public bool? Animated { get; init; }

    /// <summary>The form the reactions routes take in their path: the unicode character, or <c>name:id</c>.</summary>
    public string ToRouteForm() => Id is { } id ? $"{Name}:{id}" : Name ?? "";
}
