using System.Text.Json;
using Homeserver.Bridges.Discord.Client.Models;

namespace Homeserver.Bridges.Discord.Client.Gateway;

/// <summary>A dispatch (op 0) from the gateway, typed by its event name. <see cref="Sequence"/> is its <c>s</c>.</summary>
public abstract record GatewayDispatch(string Type, int Sequence);

/// <summary>READY: the session began.</summary>
public sealed record ReadyDispatch(int Sequence, DiscordUser User, string SessionId, string ResumeGatewayUrl,
    IReadOnlyList<Snowflake> GuildIds) : GatewayDispatch("READY", Sequence);

/// <summary>RESUMED: the missed dispatches were replayed.</summary>
public sealed record ResumedDispatch(int Sequence) : GatewayDispatch("RESUMED", Sequence);

/// <summary>GUILD_CREATE: a guild became available (with its channels, threads and members).</summary>
public sealed record GuildCreateDispatch(int Sequence, DiscordGuild Guild) : GatewayDispatch("GUILD_CREATE", Sequence);

/// <summary>GUILD_UPDATE: the guild's settings changed (name, icon, ...).</summary>
public sealed record GuildUpdateDispatch(int Sequence, DiscordGuild Guild) : GatewayDispatch("GUILD_UPDATE", Sequence);

/// <summary>CHANNEL_CREATE/UPDATE/DELETE and THREAD_CREATE/UPDATE/DELETE.</summary>
public sealed record ChannelDispatch(string Type, int Sequence, DiscordChannel Channel) : GatewayDispatch(Type, Sequence);

/// <summary>MESSAGE_CREATE, or MESSAGE_UPDATE (whose message may carry only some fields).</summary>
public sealed record MessageDispatch(string Type, int Sequence, DiscordMessage Message) : GatewayDispatch(Type, Sequence);

/// <summary>MESSAGE_DELETE.</summary>
public sealed record MessageDeleteDispatch(int Sequence, Snowflake Id, Snowflake ChannelId, Snowflake? GuildId)
    : GatewayDispatch("MESSAGE_DELETE", Sequence);

/// <summary>MESSAGE_REACTION_ADD / MESSAGE_REACTION_REMOVE.</summary>
public sealed record ReactionDispatch(string Type, int Sequence, Snowflake UserId, Snowflake ChannelId, Snowflake MessageId,
    Snowflake? GuildId, DiscordEmoji Emoji, DiscordMember? Member) : GatewayDispatch(Type, Sequence)
{
    public bool Added => Type == "MESSAGE_REACTION_ADD";
}

/// <summary>TYPING_START.</summary>
public sealed record TypingDispatch(int Sequence, Snowflake ChannelId, Snowflake? GuildId, Snowflake UserId, DateTimeOffset At,
    DiscordMember? Member) : GatewayDispatch("TYPING_START", Sequence);

/// <summary>GUILD_MEMBER_ADD/UPDATE/REMOVE.</summary>
public sealed record GuildMemberDispatch(string Type, int Sequence, Snowflake GuildId, DiscordUser User, DiscordMember? Member)
    : GatewayDispatch(Type, Sequence);

/// <summary>Any other dispatch, or one whose data did not have the expected shape, as its raw data.</summary>
public sealed record OtherDispatch(string Type, int Sequence, JsonElement Data) : GatewayDispatch(Type, Sequence);
