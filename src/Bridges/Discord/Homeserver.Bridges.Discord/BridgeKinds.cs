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
}
