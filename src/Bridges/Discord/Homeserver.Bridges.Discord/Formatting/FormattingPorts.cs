namespace Homeserver.Bridges.Discord.Formatting;

/// <summary>A Matrix message's text: the plain <c>body</c> and, when there is formatting, the HTML <c>formatted_body</c>.</summary>
public sealed record MatrixText(string Body, string? Html)
{
    public const string HtmlFormat = "org.matrix.custom.html";
}

/// <summary>The Matrix user a Discord user mention points at (a ghost or a puppeted real user) and the name to show.</summary>
public sealed record MentionedUser(string MatrixUserId, string DisplayName);

/// <summary>A Discord channel mention: its name and, when it is bridged, the Matrix room it points at.</summary>
public sealed record MentionedChannel(string Name, string? MatrixRoomId);

/// <summary>Looks up what Discord mentions (<c>&lt;@id&gt;</c>, <c>&lt;@&amp;id&gt;</c>, <c>&lt;#id&gt;</c>) name, and
/// the mxc URI of a custom emoji's image by its ID; null: unknown.</summary>
public sealed record DiscordMentionResolver(
    Func<string, MentionedUser?> User,
    Func<string, string?> Role,
    Func<string, MentionedChannel?> Channel,
    Func<string, string?>? EmojiImage = null)
{
    public static DiscordMentionResolver None { get; } = new(_ => null, _ => null, _ => null);
}
