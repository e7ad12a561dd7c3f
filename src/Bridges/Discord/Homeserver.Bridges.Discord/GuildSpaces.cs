using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.Discord.Client;
using Homeserver.Bridges.Discord.Client.Models;
using Homeserver.Bridges.Discord.Client.Rest;
using Homeserver.Bridges.Discord.Store;

namespace Homeserver.Bridges.Discord;

/// <summary>
/// A Discord guild as a Matrix space (spec: Spaces): a room made by the bot with <c>creation_content.type</c>
/// <c>m.space</c>, the guild's name and icon, and the alias <c>#_discord_guild_{guildId}</c>. Each linked channel's
/// portal is its child (<c>m.space.child</c> with <c>via</c>) and names it as canonical parent (<c>m.space.parent</c>)
/// when the bot may set state in the portal. The space is public to join only if the first portal linked is.
/// </summary>
public sealed partial class GuildSpaces(
    Intents intents,
    MatrixClient client,
    SpaceStore spaces,
    DiscordRestClient discord,
    DiscordMedia media,
    DiscordSettings settings,
    MatrixReads reads,
    ILogger<GuildSpaces> logger)
{
    public const string AliasLocalpartPrefix = DiscordBridgeApp.AliasPrefix + "guild_";

    private const string ClientV3 = "/_matrix/client/v3";

    public string AliasOf(string guildId) => $"#{AliasLocalpartPrefix}{guildId}:{intents.Identity.ServerName}";

    /// <summary>Puts a newly linked portal into its guild's space (found or made) and invites the user who linked it.
    /// A failure is logged, never fatal: the link itself stands.</summary>
    public async Task AddPortalAsync(Portal portal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(portal);
        if (portal.GuildId is not { } guildId)
        {
            return;
        }

        try
        {
            var space = await FindOrCreateAsync(guildId, await IsPublicAsync(portal.RoomId, cancellationToken), cancellationToken);
            var via = new JsonArray(intents.Identity.ServerName);
            await intents.Bot.SendStateAsync(space.RoomId, "m.space.child", portal.RoomId, new JsonObject { ["via"] = via }, null,
                cancellationToken);
            await TrySetParentAsync(portal.RoomId, space.RoomId,
                new JsonObject { ["via"] = via.DeepClone(), ["canonical"] = true }, cancellationToken);
            await InviteAsync(space.RoomId, portal.LinkedBy, cancellationToken);
        }
        catch (Exception e) when (e is MatrixApiException or DiscordApiException or HttpRequestException)
        {
            LogSpaceFailed(logger, e, guildId, portal.RoomId);
        }
    }

    /// <summary>Takes an unlinked portal out of its guild's space (an <c>m.space.child</c> with empty content, and the
    /// portal's <c>m.space.parent</c> likewise when the bot may).</summary>
    public async Task RemovePortalAsync(Portal portal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(portal);
        if (portal.GuildId is not { } guildId || await spaces.ByGuildAsync(guildId, cancellationToken) is not { } space)
        {
            return;
        }

        try
        {
            await intents.Bot.SendStateAsync(space.RoomId, "m.space.child", portal.RoomId, new JsonObject(), null, cancellationToken);
            await TrySetParentAsync(portal.RoomId, space.RoomId, new JsonObject(), cancellationToken);
        }
        catch (MatrixApiException e)
        {
            LogSpaceFailed(logger, e, guildId, portal.RoomId);
        }
    }

    /// <summary>GUILD_UPDATE (and GUILD_CREATE, for changes made while the bridge was away): the space takes the
    /// guild's name and icon when they changed.</summary>
    public async Task GuildChangedAsync(DiscordGuild guild, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(guild);
        if (await spaces.ByGuildAsync(guild.Id.ToString(), cancellationToken) is not { } space)
        {
            return;
        }

        var updated = space;
        if (!string.IsNullOrEmpty(guild.Name) && guild.Name != space.Name)
        {
            await intents.Bot.SendStateAsync(space.RoomId, "m.room.name", "", new JsonObject { ["name"] = guild.Name }, null, cancellationToken);
            updated = updated with { Name = guild.Name };
        }

        if (guild.Icon != space.Icon)
        {
            var mxc = await IconAsync(guild.Id, guild.Icon, cancellationToken);
            if (mxc is not null || guild.Icon is null)
            {
                await intents.Bot.SendStateAsync(space.RoomId, "m.room.avatar", "",
                    mxc is null ? new JsonObject() : new JsonObject { ["url"] = mxc }, null, cancellationToken);
                updated = updated with { Icon = guild.Icon };
            }
        }

        if (updated != space)
        {
            await spaces.UpdateAsync(updated, cancellationToken);
        }
    }

    private async Task<GuildSpace> FindOrCreateAsync(string guildId, bool isPublic, CancellationToken cancellationToken)
    {
        if (await spaces.ByGuildAsync(guildId, cancellationToken) is { } known)
        {
            return known;
        }

        var guild = await discord.GetGuildAsync(Snowflake.Parse(guildId), cancellationToken);
        // The alias outlives a lost store: the space made before is found again rather than made twice.
        var roomId = await ResolveAliasAsync(AliasOf(guildId), cancellationToken);
        var icon = roomId is null ? guild.Icon : null;
        if (roomId is null)
        {
            var request = new JsonObject
            {
                ["creation_content"] = new JsonObject { ["type"] = "m.space" },
                ["name"] = guild.Name ?? $"Discord server {guildId}",
                ["room_alias_name"] = AliasLocalpartPrefix + guildId,
                ["preset"] = isPublic ? "public_chat" : "private_chat",
                ["topic"] = "Channels of this Discord server bridged to Matrix",
            };
            if (await IconAsync(guild.Id, guild.Icon, cancellationToken) is { } mxc)
            {
                request["initial_state"] = new JsonArray(new JsonObject
                {
                    ["type"] = "m.room.avatar", ["state_key"] = "", ["content"] = new JsonObject { ["url"] = mxc },
                });
            }
            else
            {
                icon = null;
            }

            roomId = await intents.Bot.CreateRoomAsync(request, cancellationToken);
        }

        var space = new GuildSpace(guildId, roomId, guild.Name, icon);
        return await spaces.TryAddAsync(space, cancellationToken)
            ? space
            : await spaces.ByGuildAsync(guildId, cancellationToken) ?? space;
    }

    /// <summary>The guild's icon (CDN <c>icons/{guild}/{hash}.png</c>) uploaded as the bot; null when it has none or
    /// it cannot be fetched.</summary>
    private async Task<string?> IconAsync(Snowflake guildId, string? icon, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(icon) || icon.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '_'))
        {
            return null;
        }

        var url = new Uri(settings.CdnBaseUrl, $"icons/{guildId}/{icon}.png");
        return await media.DownloadAsync(url.ToString(), cancellationToken) is (var bytes, var contentType)
            ? await intents.Bot.UploadAsync(bytes, contentType, "icon.png", cancellationToken)
            : null;
    }

    private async Task TrySetParentAsync(string portalRoomId, string spaceRoomId, JsonObject content, CancellationToken cancellationToken)
    {
        if (!await reads.CanSendStateAsync(portalRoomId, intents.Bot.UserId, cancellationToken))
        {
            return;
        }

        try
        {
            await intents.Bot.SendStateAsync(portalRoomId, "m.space.parent", spaceRoomId, content, null, cancellationToken);
        }
        catch (MatrixApiException e) when (e.ErrCode == "M_FORBIDDEN")
        {
        }
    }

    private async Task InviteAsync(string spaceRoomId, string userId, CancellationToken cancellationToken)
    {
        try
        {
            await intents.Bot.InviteAsync(spaceRoomId, userId, cancellationToken);
        }
        catch (MatrixApiException e) when (e.ErrCode == "M_FORBIDDEN")
        {
            // Already invited or joined (or banned): nothing to do.
        }
    }

    /// <summary>Whether the portal's join rule is <c>public</c> (spec: GET /rooms/{roomId}/state/m.room.join_rules/).</summary>
    private async Task<bool> IsPublicAsync(string roomId, CancellationToken cancellationToken)
    {
        try
        {
            var content = await client.SendJsonAsync(HttpMethod.Get,
                $"{ClientV3}/rooms/{MatrixClient.Segment(roomId)}/state/m.room.join_rules/", null, null, null, cancellationToken);
            return content.ValueKind == JsonValueKind.Object && content.TryGetProperty("join_rule", out var rule) &&
                   rule.ValueKind == JsonValueKind.String && rule.GetString() == "public";
        }
        catch (MatrixApiException)
        {
            return false;
        }
    }

    /// <summary>The room an alias names (spec: GET /directory/room/{roomAlias}), or null when it names none.</summary>
    private async Task<string?> ResolveAliasAsync(string alias, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await client.SendJsonAsync(HttpMethod.Get, $"{ClientV3}/directory/room/{MatrixClient.Segment(alias)}", null, null,
                null, cancellationToken);
            return answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("room_id", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : null;
        }
        catch (MatrixApiException e) when (e.ErrCode == "M_NOT_FOUND")
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not put the portal {RoomId} into the space of Discord guild {GuildId}")]
    private static partial void LogSpaceFailed(ILogger logger, Exception exception, string guildId, string roomId);
}
