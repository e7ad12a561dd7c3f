namespace Homeserver.Bridges.Discord;

/// <summary>The kinds of links the bridge records in the SDK's mapping store.</summary>
public static class BridgeKinds
{
    /// <summary>A Discord message ID -&gt; the Matrix event(s) it became (part "" the text, "att.{id}" each attachment).</summary>
    public const string Message = "discord.message";

    /// <summary>The Discord message ID a Matrix user's event became through the webhook -&gt; that event.</summary>
    public const string Relayed = "discord.relayed";

    /// <summary>"{messageId}/{userId}/{emoji}" -&gt; the ghost's m.reaction event.</summary>
    public const string Reaction = "discord.reaction";

    /// <summary>"{userId}/{avatarHash}" -&gt; the mxc URI the avatar was uploaded as (once per hash).</summary>
    public const string Avatar = "discord.avatar";

    /// <summary>"{channelId}/{messageId}/{emoji route form}" part "{reaction event ID}" -&gt; a Matrix user's reaction
    /// the bot put on Discord; the bot's reaction goes when the last of them is redacted.</summary>
    public const string MatrixReaction = "discord.matrix_reaction";

    /// <summary>A custom emoji's ID, part its name (<c>a:name</c> when animated) -&gt; the mxc URI of its image.</summary>
    public const string Emoji = "discord.emoji";
}
