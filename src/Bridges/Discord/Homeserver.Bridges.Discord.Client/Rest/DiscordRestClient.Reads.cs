using System.Globalization;
using Homeserver.Bridges.Discord.Client.Models;

namespace Homeserver.Bridges.Discord.Client.Rest;

/// <summary>The gateway URL, users, guilds, channels, members and threads.</summary>
public sealed partial class DiscordRestClient
{
    /// <summary>GET /gateway/bot: the gateway URL to connect to and the session start limit.</summary>
    public Task<GatewayBotInfo> GetGatewayBotAsync(CancellationToken cancellationToken = default) =>
        SendAsync<GatewayBotInfo>(HttpMethod.Get, "gateway/bot", null, cancellationToken);

    /// <summary>GET /users/@me.</summary>
    public Task<DiscordUser> GetCurrentUserAsync(CancellationToken cancellationToken = default) =>
        SendAsync<DiscordUser>(HttpMethod.Get, "users/@me", null, cancellationToken);

    /// <summary>GET /users/{user.id}.</summary>
    public Task<DiscordUser> GetUserAsync(Snowflake userId, CancellationToken cancellationToken = default) =>
        SendAsync<DiscordUser>(HttpMethod.Get, $"users/{userId}", null, cancellationToken);

    /// <summary>GET /guilds/{guild.id}.</summary>
    public Task<DiscordGuild> GetGuildAsync(Snowflake guildId, CancellationToken cancellationToken = default) =>
        SendAsync<DiscordGuild>(HttpMethod.Get, $"guilds/{guildId}", null, cancellationToken);

    /// <summary>GET /guilds/{guild.id}/channels.</summary>
    public Task<IReadOnlyList<DiscordChannel>> GetGuildChannelsAsync(Snowflake guildId, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<DiscordChannel>>(HttpMethod.Get, $"guilds/{guildId}/channels", null, cancellationToken);

    /// <summary>GET /guilds/{guild.id}/members/{user.id}.</summary>
    public Task<DiscordMember> GetGuildMemberAsync(Snowflake guildId, Snowflake userId, CancellationToken cancellationToken = default) =>
        SendAsync<DiscordMember>(HttpMethod.Get, $"guilds/{guildId}/members/{userId}", null, cancellationToken);

    /// <summary>GET /guilds/{guild.id}/members?limit=&amp;after= (needs the GUILD_MEMBERS intent).</summary>
    public Task<IReadOnlyList<DiscordMember>> GetGuildMembersAsync(Snowflake guildId, int limit = 1000, Snowflake? after = null,
        CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<DiscordMember>>(HttpMethod.Get,
            $"guilds/{guildId}/members?limit={Math.Clamp(limit, 1, 1000).ToString(CultureInfo.InvariantCulture)}"
            + (after is { } id ? $"&after={id}" : ""), null, cancellationToken);

    /// <summary>GET /channels/{channel.id}.</summary>
    public Task<DiscordChannel> GetChannelAsync(Snowflake channelId, CancellationToken cancellationToken = default) =>
        SendAsync<DiscordChannel>(HttpMethod.Get, $"channels/{channelId}", null, cancellationToken);

    /// <summary>POST /channels/{channel.id}/messages/{message.id}/threads: a thread from a message.</summary>
    public Task<DiscordChannel> StartThreadFromMessageAsync(Snowflake channelId, Snowflake messageId, ThreadCreate thread,
        CancellationToken cancellationToken = default) =>
        SendAsync<DiscordChannel>(HttpMethod.Post, $"channels/{channelId}/messages/{messageId}/threads", thread, cancellationToken);

    /// <summary>POST /channels/{channel.id}/threads: a thread without a starting message.</summary>
    public Task<DiscordChannel> StartThreadAsync(Snowflake channelId, ThreadCreate thread, CancellationToken cancellationToken = default) =>
        SendAsync<DiscordChannel>(HttpMethod.Post, $"channels/{channelId}/threads", thread, cancellationToken);
}
