using Homeserver.Bridges.AppService.Events;
using Homeserver.Bridges.AppService.Store;
using Homeserver.Bridges.Discord.Client;
using Homeserver.Bridges.Discord.Client.Rest;

namespace Homeserver.Bridges.Discord;

/// <summary>
/// Matrix -&gt; Discord reactions: a real Matrix user's annotation of a bridged message puts the bot's reaction with
/// that emoji (a custom emoji's image, by its mxc URI, as the Discord emoji). The bot has one reaction per emoji on a
/// message, so each Matrix reaction behind it is recorded and the bot's goes only when the last of them is redacted.
/// </summary>
public sealed partial class MatrixToDiscord
{
    /// <summary>Discord's longest unicode emoji sequences are well under this; longer keys are words, not emoji.</summary>
    private const int MaxUnicodeKey = 32;

    private async Task ReactAsync(string roomId, string eventId, ReactionEvent reaction, CancellationToken cancellationToken)
    {
        if (reaction.TargetEventId is not { } target || reaction.Key is not { Length: > 0 } key ||
            await portals.ByRoomAsync(roomId, cancellationToken) is not { } portal ||
            await mappings.FindByMatrixAsync(BridgeKinds.MatrixReaction, eventId, cancellationToken) is not null ||
            await DiscordMessageOfAsync(target, cancellationToken) is not { } messageId ||
            await DiscordEmojiAsync(key, cancellationToken) is not { } emoji)
        {
            return;
        }

        try
        {
            await discord.AddReactionAsync(Snowflake.Parse(portal.ChannelId), messageId, emoji, cancellationToken);
        }
        catch (DiscordApiException e)
        {
            LogReactionRefused(logger, e, eventId);
            return;
        }

        await mappings.TryAddAsync(new Mapping(BridgeKinds.MatrixReaction, $"{portal.ChannelId}/{messageId}/{emoji}", eventId, eventId, roomId),
            cancellationToken);
    }

    /// <summary>A redaction: of a Matrix user's reaction (the bot's goes when no other is left), else of a message.</summary>
    private async Task RedactedAsync(string roomId, string redacts, CancellationToken cancellationToken)
    {
        if (await mappings.FindByMatrixAsync(BridgeKinds.MatrixReaction, redacts, cancellationToken) is not { } reaction)
        {
            await DeleteAsync(roomId, redacts, cancellationToken);
            return;
        }

        await mappings.RemoveByMatrixAsync(BridgeKinds.MatrixReaction, redacts, cancellationToken);
        if ((await mappings.FindByRemoteAsync(BridgeKinds.MatrixReaction, reaction.RemoteId, cancellationToken)).Count > 0)
        {
            return;
        }

        var parts = reaction.RemoteId.Split('/', 3);
        await IgnoreGoneAsync(discord.RemoveReactionAsync(Snowflake.Parse(parts[0]), Snowflake.Parse(parts[1]), parts[2], cancellationToken),
            parts[1]);
    }

    /// <summary>The emoji as Discord's reactions routes take it: a custom emoji's <c>name:id</c> for the mxc URI of
    /// its image, a unicode emoji as it is; null for images that are no Discord emoji and for longer text.</summary>
    private async Task<string?> DiscordEmojiAsync(string key, CancellationToken cancellationToken) =>
        key.StartsWith("mxc://", StringComparison.Ordinal)
            ? (await customEmoji.ByMxcAsync(key, cancellationToken))?.RouteForm
            : key.Length <= MaxUnicodeKey && !key.Contains('/', StringComparison.Ordinal) ? key : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord refused the reaction of {EventId} (not an emoji it knows?)")]
    private static partial void LogReactionRefused(ILogger logger, Exception exception, string eventId);
}
