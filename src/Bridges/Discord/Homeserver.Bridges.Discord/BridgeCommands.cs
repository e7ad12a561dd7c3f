using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.AppService.Events;
using Homeserver.Bridges.Discord.Client;
using Homeserver.Bridges.Discord.Client.Models;
using Homeserver.Bridges.Discord.Client.Rest;
using Homeserver.Bridges.Discord.Store;

namespace Homeserver.Bridges.Discord;

/// <summary>
/// <c>!discord link &lt;channelId&gt;</c>, <c>!discord unlink</c>, <c>!discord status</c> in a room the bot is in.
/// Linking and unlinking take a user who may send state events in the room; linking needs a text channel the bot sees,
/// where it makes the webhook Matrix users are relayed through. The bot answers with a notice in reply.
/// </summary>
public sealed partial class BridgeCommands(Intents intents, PortalStore portals, DiscordRestClient discord, MatrixReads reads,
    GuildSpaces spaces, ChannelHistory history, ILogger<BridgeCommands> logger)
{
    public const string WebhookName = "Matrix bridge";

    private const string Usage = "Commands: `!discord link <channelId>` links this room to a Discord text channel, " +
                                 "`!discord unlink` undoes it, `!discord status` tells which channel is linked.";

    public async Task HandleAsync(RoomMessageEvent message, BotCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(command);
        var roomId = message.RoomId!;
        var answer = command.Verb switch
        {
            "link" => await LinkAsync(roomId, message.Sender!, command.Arguments, cancellationToken),
            "unlink" => await UnlinkAsync(roomId, message.Sender!, cancellationToken),
            "status" => await StatusAsync(roomId, cancellationToken),
            _ => Usage,
        };
        await intents.Bot.SendTextAsync(roomId, answer, replyTo: message.EventId, notice: true,
            options: new SendOptions(TransactionIds.Stable("discord", "command", message.EventId!)), cancellationToken: cancellationToken);
    }

    private async Task<string> LinkAsync(string roomId, string sender, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        if (arguments.Count != 1 || !Snowflake.TryParse(arguments[0], out var channelId))
        {
            return "Usage: `!discord link <channelId>` (the channel's ID: Discord's developer mode, right-click the channel, Copy ID).";
        }

        if (!await reads.CanSendStateAsync(roomId, sender, cancellationToken))
        {
            return "Only someone who may change this room's settings (send state events) can link it.";
        }

        if (await portals.ByRoomAsync(roomId, cancellationToken) is { } existing)
        {
            return $"This room is already linked to Discord channel {existing.ChannelId}; `!discord unlink` first.";
        }

        DiscordChannel channel;
        try
        {
            channel = await discord.GetChannelAsync(channelId, cancellationToken);
        }
        catch (DiscordApiException e)
        {
            LogDiscordRefused(logger, e, arguments[0]);
            return $"I can't see Discord channel {channelId} ({e.Message}). Is the bot in that server, with access to the channel?";
        }

        if (channel.Type is not (DiscordChannelType.GuildText or DiscordChannelType.GuildAnnouncement))
        {
            return $"Discord channel {channelId} is not a text channel.";
        }

        if (await portals.ByChannelAsync(channelId.ToString(), cancellationToken) is not null)
        {
            return $"Discord channel {channelId} is already linked to another room.";
        }

        DiscordWebhook webhook;
        try
        {
            webhook = await discord.CreateWebhookAsync(channelId, WebhookName, cancellationToken);
        }
        catch (DiscordApiException e)
        {
            LogDiscordRefused(logger, e, arguments[0]);
            return $"I could not make a webhook in #{channel.Name} ({e.Message}); the bot needs the Manage Webhooks permission there.";
        }

        if (string.IsNullOrEmpty(webhook.Token))
        {
            return "Discord gave the new webhook no token; I can't relay through it.";
        }

        var portal = new Portal(roomId, channelId.ToString(), channel.GuildId?.ToString(), webhook.Id.ToString(), webhook.Token, sender);
        if (!await portals.TryAddAsync(portal, cancellationToken))
        {
            return "This room or that channel was linked meanwhile; see `!discord status`.";
        }

        await spaces.AddPortalAsync(portal, cancellationToken);
        history.QueueBackfill(portal);
        return $"Linked this room to #{channel.Name} ({channelId}). Messages now go both ways.";
    }

    private async Task<string> UnlinkAsync(string roomId, string sender, CancellationToken cancellationToken)
    {
        if (await portals.ByRoomAsync(roomId, cancellationToken) is not { } portal)
        {
            return "This room is not linked to Discord.";
        }

        if (!await reads.CanSendStateAsync(roomId, sender, cancellationToken))
        {
            return "Only someone who may change this room's settings (send state events) can unlink it.";
        }

        await portals.RemoveAsync(roomId, cancellationToken);
        await DeleteWebhookAsync(portal, cancellationToken);
        await spaces.RemovePortalAsync(portal, cancellationToken);
        return "Unlinked: messages no longer go between this room and Discord.";
    }

    /// <summary>The link's webhook goes with it; one deleted already (404) is fine, and a refusal only logged.</summary>
    private async Task DeleteWebhookAsync(Portal portal, CancellationToken cancellationToken)
    {
        try
        {
            await discord.DeleteWebhookAsync(Snowflake.Parse(portal.WebhookId), portal.WebhookToken, cancellationToken);
        }
        catch (DiscordApiException e) when (e.Status != System.Net.HttpStatusCode.NotFound)
        {
            LogDiscordRefused(logger, e, portal.ChannelId);
        }
        catch (DiscordApiException e)
        {
            LogWebhookGone(logger, e, portal.WebhookId);
        }
    }

    private async Task<string> StatusAsync(string roomId, CancellationToken cancellationToken) =>
        await portals.ByRoomAsync(roomId, cancellationToken) is { } portal
            ? $"This room is linked to Discord channel {portal.ChannelId}" + (portal.GuildId is null ? "." : $" in server {portal.GuildId}.")
            : "This room is not linked to Discord. " + Usage;

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord refused a request about channel {ChannelId}")]
    private static partial void LogDiscordRefused(ILogger logger, Exception exception, string channelId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook {WebhookId} was deleted on Discord already")]
    private static partial void LogWebhookGone(ILogger logger, Exception exception, string webhookId);
}
