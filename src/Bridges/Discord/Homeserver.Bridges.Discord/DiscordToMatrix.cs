using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.AppService.Store;
using Homeserver.Bridges.Discord.Client;
using Homeserver.Bridges.Discord.Client.Gateway;
using Homeserver.Bridges.Discord.Client.Models;
using Homeserver.Bridges.Discord.Store;

namespace Homeserver.Bridges.Discord;

/// <summary>
/// Discord -&gt; Matrix for linked channels: messages (text, replies, attachments), edits and deletes as the author's
/// ghost. Idempotent under replays: each part is sent with a transaction ID derived from the Discord message and
/// recorded in the mapping store, and parts already recorded are not sent again. Messages the portal's own webhook
/// posted (Matrix users relayed) are not bridged back. Reactions and typing are in DiscordToMatrix.Reactions.cs.
/// </summary>
public sealed partial class DiscordToMatrix(
    PortalStore portals,
    IMappingStore mappings,
    Ghosts ghosts,
    Intents intents,
    DiscordMedia media,
    MatrixReads reads,
    CustomEmoji customEmoji,
    DiscordThreads threads,
    GuildSpaces spaces,
    HistoryStore history,
    ILogger<DiscordToMatrix> logger)
{
    private const int ThreadCreatedType = 18;
    private const int ThreadStarterType = 21;
    private Snowflake? _botUserId;

    public async Task HandleAsync(GatewayDispatch dispatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        switch (dispatch)
        {
            case ReadyDispatch ready:
                _botUserId = ready.User.Id;
                break;
            case MessageDispatch { Type: "MESSAGE_CREATE", Message: var message }:
                await MessageCreatedAsync(message, cancellationToken);
                break;
            case MessageDispatch { Type: "MESSAGE_UPDATE", Message: var message }:
                await MessageUpdatedAsync(message, cancellationToken);
                break;
            case MessageDeleteDispatch deleted:
                await MessageDeletedAsync(deleted, cancellationToken);
                break;
            case ReactionDispatch reaction:
                await ReactionAsync(reaction, cancellationToken);
                break;
            case TypingDispatch typing:
                await TypingAsync(typing, cancellationToken);
                break;
            case GuildCreateDispatch created:
                await spaces.GuildChangedAsync(created.Guild, cancellationToken);
                await threads.GuildThreadsAsync(created.Guild, cancellationToken);
                break;
            case GuildUpdateDispatch updated:
                await spaces.GuildChangedAsync(updated.Guild, cancellationToken);
                break;
            case ChannelDispatch { Channel.IsThread: true } thread:
                await threads.ThreadChangedAsync(thread, cancellationToken);
                break;
        }
    }

    /// <summary>The Matrix event a Discord message is (its first part), either way round.</summary>
    public async Task<Mapping?> MatrixEventOfAsync(Snowflake messageId, CancellationToken cancellationToken) =>
        (await mappings.FindByRemoteAsync(BridgeKinds.Message, messageId.ToString(), cancellationToken)) is [var first, ..]
            ? first
            : (await mappings.FindByRemoteAsync(BridgeKinds.Relayed, messageId.ToString(), cancellationToken)) is [var relayed, ..]
                ? relayed
                : null;

    private async Task<Portal?> PortalForAsync(Snowflake channelId, Snowflake? authorId, Snowflake? webhookId,
        CancellationToken cancellationToken)
    {
        if (authorId is { } author && author == _botUserId)
        {
            return null;
        }

        var portal = await portals.ByChannelAsync(channelId.ToString(), cancellationToken) ??
                     await threads.PortalOfThreadAsync(channelId, cancellationToken);
        return portal is not null && webhookId?.ToString() == portal.WebhookId ? null : portal;
    }

    /// <summary>MESSAGE_CREATE, and each message of backfill and catch-up.</summary>
    internal async Task MessageCreatedAsync(DiscordMessage message, CancellationToken cancellationToken)
    {
        // Thread system messages ("started a thread", a thread's starter copy): the thread root stands for them.
        if (message.Type is ThreadCreatedType or ThreadStarterType || message.Author is not { } author ||
            await PortalForAsync(message.ChannelId, author.Id, message.WebhookId, cancellationToken) is not { } portal)
        {
            return;
        }

        var id = message.Id.ToString();
        var done = (await mappings.FindByRemoteAsync(BridgeKinds.Message, id, cancellationToken)).Select(m => m.Part).ToHashSet(StringComparer.Ordinal);
        var ghost = await ghosts.EnsureAsync(author, cancellationToken);
        var replyTo = message.MessageReference?.MessageId is { } target ? (await MatrixEventOfAsync(target, cancellationToken))?.MatrixId : null;
        var timestamp = message.Timestamp?.ToUnixTimeMilliseconds();
        var thread = await threads.ContextAsync(message.ChannelId, portal, cancellationToken);
        if (!string.IsNullOrEmpty(message.Content) && !done.Contains(""))
        {
            var emojiImages = await customEmoji.InContentAsync(message.Content, cancellationToken);
            var (body, html) = MessageFormat.ToMatrix(message.Content, id => ghosts.Mentioned(id, message.Mentions),
                emojiImages);
            var text = new JsonObject { ["msgtype"] = "m.text", ["body"] = body };
            if (html is not null)
            {
                text["format"] = "org.matrix.custom.html";
                text["formatted_body"] = html;
            }

            DiscordThreads.Relate(text, thread, replyTo);
            var eventId = await ghost.SendMessageAsync(portal.RoomId, text,
                new SendOptions(TransactionIds.Stable("discord", "msg", id, ""), timestamp), cancellationToken);
            await mappings.TryAddAsync(new Mapping(BridgeKinds.Message, id, "", eventId, portal.RoomId), cancellationToken);
            thread = thread is null ? null : await threads.NoteSentAsync(thread, id, eventId, cancellationToken);
            replyTo = null;
        }

        foreach (var attachment in message.Attachments ?? [])
        {
            var part = "att." + attachment.Id;
            if (done.Contains(part) || await AttachmentContentAsync(attachment, ghost, cancellationToken) is not { } content)
            {
                continue;
            }

            DiscordThreads.Relate(content, thread, replyTo);
            replyTo = null;
            var eventId = await ghost.SendMessageAsync(portal.RoomId, content,
                new SendOptions(TransactionIds.Stable("discord", "msg", id, part), timestamp), cancellationToken);
            await mappings.TryAddAsync(new Mapping(BridgeKinds.Message, id, part, eventId, portal.RoomId), cancellationToken);
            thread = thread is null ? null : await threads.NoteSentAsync(thread, id, eventId, cancellationToken);
        }

        if (thread is null)
        {
            await history.NoteBridgedAsync(portal.ChannelId, (long)message.Id.Value, cancellationToken);
        }
    }

    /// <summary>An m.image/m.video/m.audio/m.file for an attachment, uploaded to the media repo as the ghost.</summary>
    private async Task<JsonObject?> AttachmentContentAsync(DiscordAttachment attachment, Intent ghost, CancellationToken cancellationToken)
    {
        if (attachment.Size > DiscordMedia.MaxFileBytes || await media.DownloadAsync(attachment.Url, cancellationToken) is not (var bytes, var type))
        {
            LogAttachmentSkipped(logger, attachment.Id.ToString());
            return null;
        }

        var contentType = attachment.ContentType ?? type;
        var filename = string.IsNullOrWhiteSpace(attachment.Filename) ? "file" : attachment.Filename;
        var mxc = await ghost.UploadAsync(bytes, contentType, filename, cancellationToken);
        var info = new JsonObject { ["mimetype"] = contentType, ["size"] = bytes.Length };
        if (attachment.Width is { } width && attachment.Height is { } height)
        {
            info["w"] = width;
            info["h"] = height;
        }

        var messageType = contentType.Split('/')[0] switch
        {
            "image" => "m.image",
            "video" => "m.video",
            "audio" => "m.audio",
            _ => "m.file",
        };
        return new JsonObject { ["msgtype"] = messageType, ["body"] = filename, ["filename"] = filename, ["url"] = mxc, ["info"] = info };
    }

    private async Task MessageUpdatedAsync(DiscordMessage message, CancellationToken cancellationToken)
    {
        // Without an edit time it is no edit: Discord updates a message when a thread starts on it or a link unfurls.
        if (message.Content is null || message.EditedTimestamp is null ||
            await PortalForAsync(message.ChannelId, message.Author?.Id, message.WebhookId, cancellationToken) is not { } portal)
        {
            return;
        }

        var id = message.Id.ToString();
        var text = (await mappings.FindByRemoteAsync(BridgeKinds.Message, id, cancellationToken)).FirstOrDefault(m => m.Part.Length == 0);
        if (text is null)
        {
            return;
        }

        var ghost = message.Author is { } author ? ghosts.For(author.Id) : await SenderIntentAsync(portal.RoomId, text.MatrixId, cancellationToken);
        if (ghost is null || ghost.IsBot)
        {
            return;
        }

        var emojiImages = await customEmoji.InContentAsync(message.Content, cancellationToken);
        var (body, html) = MessageFormat.ToMatrix(message.Content, id => ghosts.Mentioned(id, message.Mentions), emojiImages);
        var newContent = new JsonObject { ["msgtype"] = "m.text", ["body"] = body };
        var content = new JsonObject
        {
            ["msgtype"] = "m.text",
            ["body"] = "* " + body,
            ["m.new_content"] = newContent,
            ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.replace", ["event_id"] = text.MatrixId },
        };
        if (html is not null)
        {
            newContent["format"] = content["format"] = "org.matrix.custom.html";
            newContent["formatted_body"] = html;
            content["formatted_body"] = "* " + html;
        }

        var version = message.EditedTimestamp?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) ?? body.GetHashCode(StringComparison.Ordinal).ToString(CultureInfo.InvariantCulture);
        await ghost.SendMessageAsync(portal.RoomId, content,
            new SendOptions(TransactionIds.Stable("discord", "edit", id, version), message.EditedTimestamp?.ToUnixTimeMilliseconds()),
            cancellationToken);
    }

    private async Task MessageDeletedAsync(MessageDeleteDispatch deleted, CancellationToken cancellationToken)
    {
        if ((await portals.ByChannelAsync(deleted.ChannelId.ToString(), cancellationToken) ??
             await threads.PortalOfThreadAsync(deleted.ChannelId, cancellationToken)) is not { } portal)
        {
            return;
        }

        var id = deleted.Id.ToString();
        var parts = (await mappings.FindByRemoteAsync(BridgeKinds.Message, id, cancellationToken))
            .Concat(await mappings.FindByRemoteAsync(BridgeKinds.Relayed, id, cancellationToken));
        foreach (var part in parts)
        {
            var redactor = await SenderIntentAsync(portal.RoomId, part.MatrixId, cancellationToken) ?? intents.Bot;
            try
            {
                await redactor.RedactAsync(portal.RoomId, part.MatrixId, "Deleted on Discord",
                    new SendOptions(TransactionIds.Stable("discord", "delete", id, part.Part)), cancellationToken);
            }
            catch (MatrixApiException e)
            {
                LogRedactFailed(logger, e, part.MatrixId, portal.RoomId);
            }
        }

        await mappings.RemoveByRemoteAsync(BridgeKinds.Message, id, cancellationToken);
        await mappings.RemoveByRemoteAsync(BridgeKinds.Relayed, id, cancellationToken);
    }

    /// <summary>The intent of the ghost that sent an event; null when a real Matrix user sent it (or it is unknown).</summary>
    private async Task<Intent?> SenderIntentAsync(string roomId, string eventId, CancellationToken cancellationToken) =>
        await reads.SenderOfAsync(roomId, eventId, cancellationToken) is { } sender && intents.Identity.IsOwnUser(sender)
            ? intents.For(sender)
            : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord attachment {AttachmentId} was not bridged (not a Discord URL, unreachable or too large)")]
    private static partial void LogAttachmentSkipped(ILogger logger, string attachmentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not redact {EventId} in {RoomId}")]
    private static partial void LogRedactFailed(ILogger logger, Exception exception, string eventId, string roomId);
}
