using System.Text.Json;
using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.AppService.Events;
using Homeserver.Bridges.AppService.Store;
using Homeserver.Bridges.Discord.Client;
using Homeserver.Bridges.Discord.Client.Models;
using Homeserver.Bridges.Discord.Client.Rest;
using Homeserver.Bridges.Discord.Store;

namespace Homeserver.Bridges.Discord;

/// <summary>
/// Matrix -&gt; Discord: the bot joins rooms it is invited to and takes <c>!discord</c> commands; messages of real
/// Matrix users in linked rooms go through the channel's webhook under their room name and avatar (no mentions
/// notify), with edits, redactions, replies and files; reactions are in MatrixToDiscord.Reactions.cs, typing in
/// <see cref="TypingToDiscord"/>. Events of the bot and ghosts are never relayed back.
/// </summary>
public sealed partial class MatrixToDiscord(
    Intents intents,
    Ghosts ghosts,
    PortalStore portals,
    IMappingStore mappings,
    DiscordRestClient discord,
    MatrixReads reads,
    BridgeCommands commands,
    CustomEmoji customEmoji,
    TypingToDiscord typing,
    DiscordThreads threads,
    ILogger<MatrixToDiscord> logger) : IMatrixEventReceiver
{
    public const string CommandPrefix = "!discord";

    private static readonly string[] FileTypes = ["m.image", "m.file", "m.video", "m.audio"];

    public async Task HandleAsync(MatrixEvent matrixEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matrixEvent);
        if (matrixEvent is TypingEvent { RoomId: { } typingRoom } typingEvent)
        {
            await typing.HandleAsync(typingRoom, typingEvent.UserIds, cancellationToken);
            return;
        }

        if (matrixEvent.RoomId is not { } roomId || matrixEvent.EventId is not { } eventId || intents.Identity.IsOwnUser(matrixEvent.Sender))
        {
            return;
        }

        switch (matrixEvent)
        {
            case RoomMemberEvent { Membership: "invite" } invite when invite.StateKey == intents.Bot.UserId:
                await intents.Bot.EnsureJoinedAsync(roomId, cancellationToken);
                break;
            case RoomMessageEvent message when BotCommand.Parse(message, CommandPrefix) is { } command:
                await commands.HandleAsync(message, command, cancellationToken);
                break;
            case RoomMessageEvent { IsEdit: true } edit:
                await EditAsync(roomId, edit, cancellationToken);
                break;
            case RoomMessageEvent { Type: "m.room.message" } message:
                await RelayAsync(roomId, eventId, message, cancellationToken);
                break;
            case ReactionEvent reaction:
                await ReactAsync(roomId, eventId, reaction, cancellationToken);
                break;
            case RedactionEvent { Redacts: { } redacts }:
                await RedactedAsync(roomId, redacts, cancellationToken);
                break;
        }
    }

    private async Task RelayAsync(string roomId, string eventId, RoomMessageEvent message, CancellationToken cancellationToken)
    {
        if (await portals.ByRoomAsync(roomId, cancellationToken) is not { } portal ||
            (await mappings.FindByMatrixAsync(BridgeKinds.Relayed, eventId, cancellationToken)) is not null)
        {
            return;
        }

        var profile = await reads.MemberProfileAsync(roomId, message.Sender!, cancellationToken);
        List<FileUpload>? files = null;
        var html = JsonString(message.Content, "formatted_body");
        var content = MessageFormat.ToDiscord(message.Body, message.MessageType, JsonString(message.Content, "format"), html,
            ghosts.DiscordIdOf, await customEmoji.InHtmlAsync(html, cancellationToken));
        if (message.MessageType is { } messageType && FileTypes.Contains(messageType) && message.Url is { } mxc)
        {
            if (await reads.DownloadAsync(mxc, cancellationToken) is (var bytes, var contentType))
            {
                var filename = JsonString(message.Content, "filename") ?? message.Body;
                files = [new FileUpload(SafeFilename(filename), bytes, contentType)];
                content = filename == message.Body ? "" : content;
            }
            else
            {
                content = $"{content} (a file that could not be relayed)";
            }
        }

        var reply = message.ReplyTo is { } replyTo ? await DiscordMessageOfAsync(replyTo, cancellationToken) : null;
        var thread = message.ThreadRoot is { } root ? await threads.DiscordThreadForRootAsync(portal, root, cancellationToken) : null;
        var create = new MessageCreate
        {
            Content = content.Length == 0 ? null : content,
            Username = WebhookNames.For(profile.DisplayName, message.Sender!),
            AvatarUrl = reads.HttpUrlOf(profile.AvatarUrl)?.ToString(),
            AllowedMentions = AllowedMentions.None,
            MessageReference = reply is { } target
                ? new DiscordMessageReference { MessageId = target, ChannelId = thread ?? Snowflake.Parse(portal.ChannelId), FailIfNotExists = false }
                : null,
        };
        if (create.Content is null && files is null)
        {
            return;
        }

        var sent = await discord.ExecuteWebhookAsync(Snowflake.Parse(portal.WebhookId), portal.WebhookToken, create, files,
            thread, cancellationToken);
        await mappings.TryAddAsync(new Mapping(BridgeKinds.Relayed, sent.Id.ToString(), "", eventId, roomId), cancellationToken);
        if (thread is { } threadId)
        {
            await threads.NoteRelayedAsync(threadId, sent.Id.ToString(), eventId, cancellationToken);
        }
    }

    private async Task EditAsync(string roomId, RoomMessageEvent edit, CancellationToken cancellationToken)
    {
        if (edit.RelatesTo?.EventId is not { } original || await portals.ByRoomAsync(roomId, cancellationToken) is not { } portal ||
            await mappings.FindByMatrixAsync(BridgeKinds.Relayed, original, cancellationToken) is not { } relayed)
        {
            return;
        }

        var newContent = edit.NewContent;
        var body = newContent is { } replacement ? JsonString(replacement, "body") ?? "" : edit.Body;
        var messageType = newContent is { } replaced ? JsonString(replaced, "msgtype") : edit.MessageType;
        var formatted = newContent ?? edit.Content;
        var html = JsonString(formatted, "formatted_body");
        var text = MessageFormat.ToDiscord(body, messageType, JsonString(formatted, "format"), html, ghosts.DiscordIdOf,
            await customEmoji.InHtmlAsync(html, cancellationToken));
        if (text.Length == 0)
        {
            return;
        }

        await discord.EditWebhookMessageAsync(Snowflake.Parse(portal.WebhookId), portal.WebhookToken, Snowflake.Parse(relayed.RemoteId),
            new MessageCreate { Content = text, AllowedMentions = AllowedMentions.None },
            await threads.ThreadOfMessageAsync(relayed.RemoteId, cancellationToken), cancellationToken);
    }

    private async Task DeleteAsync(string roomId, string redacts, CancellationToken cancellationToken)
    {
        if (await portals.ByRoomAsync(roomId, cancellationToken) is not { } portal)
        {
            return;
        }

        // The link goes first, so the MESSAGE_DELETE that follows finds nothing to redact again.
        if (await mappings.FindByMatrixAsync(BridgeKinds.Relayed, redacts, cancellationToken) is { } relayed &&
            await mappings.RemoveByMatrixAsync(BridgeKinds.Relayed, redacts, cancellationToken))
        {
            await IgnoreGoneAsync(discord.DeleteWebhookMessageAsync(Snowflake.Parse(portal.WebhookId), portal.WebhookToken,
                Snowflake.Parse(relayed.RemoteId), await threads.ThreadOfMessageAsync(relayed.RemoteId, cancellationToken),
                cancellationToken), relayed.RemoteId);
            return;
        }

        if (await mappings.FindByMatrixAsync(BridgeKinds.Message, redacts, cancellationToken) is { } bridged)
        {
            // A Discord user's message removed on Matrix: the bot deletes it if it may (Manage Messages).
            await mappings.RemoveByRemoteAsync(BridgeKinds.Message, bridged.RemoteId, cancellationToken);
            var channel = await threads.ThreadOfMessageAsync(bridged.RemoteId, cancellationToken) ?? Snowflake.Parse(portal.ChannelId);
            await IgnoreGoneAsync(discord.DeleteMessageAsync(channel, Snowflake.Parse(bridged.RemoteId), cancellationToken), bridged.RemoteId);
        }
    }

    private async Task IgnoreGoneAsync(Task delete, string messageId)
    {
        try
        {
            await delete;
        }
        catch (DiscordApiException e)
        {
            LogDeleteFailed(logger, e, messageId);
        }
    }

    /// <summary>The Discord message a Matrix event is, either way round.</summary>
    private async Task<Snowflake?> DiscordMessageOfAsync(string eventId, CancellationToken cancellationToken) =>
        (await mappings.FindByMatrixAsync(BridgeKinds.Relayed, eventId, cancellationToken) ??
         await mappings.FindByMatrixAsync(BridgeKinds.Message, eventId, cancellationToken)) is { } mapping &&
        Snowflake.TryParse(mapping.RemoteId, out var id)
            ? id
            : null;

    private static string SafeFilename(string name)
    {
        var cleaned = new string([.. Path.GetFileName(name).Where(c => !char.IsControl(c) && c is not ('"' or '\\'))]);
        return cleaned.Length == 0 ? "file" : cleaned;
    }

    private static string? JsonString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete Discord message {MessageId}")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string messageId);
}
