using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.AppService.Store;
using Homeserver.Bridges.Discord.Client.Gateway;

namespace Homeserver.Bridges.Discord;

/// <summary>Discord -&gt; Matrix reactions (an <c>m.annotation</c> by the reacting user's ghost; unicode emoji as the
/// key, custom emoji as the mxc URI of their image with <c>com.beeper.reaction.shortcode</c>, or <c>:name:</c> when the
/// image cannot be had) and typing.</summary>
public sealed partial class DiscordToMatrix
{
    private static readonly TimeSpan TypingTimeout = TimeSpan.FromSeconds(10);

    private async Task ReactionAsync(ReactionDispatch reaction, CancellationToken cancellationToken)
    {
        if (await PortalForAsync(reaction.ChannelId, reaction.UserId, null, cancellationToken) is not { } portal ||
            await MatrixEventOfAsync(reaction.MessageId, cancellationToken) is not { } target)
        {
            return;
        }

        var remoteId = $"{reaction.MessageId}/{reaction.UserId}/{reaction.Emoji.ToRouteForm()}";
        var existing = await mappings.FindByRemoteAsync(BridgeKinds.Reaction, remoteId, cancellationToken);
        if (reaction.Added)
        {
            if (existing.Count > 0 || string.IsNullOrEmpty(reaction.Emoji.Name))
            {
                return;
            }

            var ghost = reaction.Member?.User is { } user ? await ghosts.EnsureAsync(user, cancellationToken) : ghosts.For(reaction.UserId);
            var relation = new JsonObject { ["rel_type"] = "m.annotation", ["event_id"] = target.MatrixId, ["key"] = reaction.Emoji.Name };
            var content = new JsonObject { ["m.relates_to"] = relation };
            if (reaction.Emoji.Id is { } emojiId)
            {
                var custom = new DiscordCustomEmoji(emojiId, CustomEmoji.SafeName(reaction.Emoji.Name), reaction.Emoji.Animated == true);
                relation["key"] = await customEmoji.MxcAsync(custom, cancellationToken) ?? custom.Shortcode;
                content["com.beeper.reaction.shortcode"] = custom.Shortcode;
            }

            // The gateway sequence tells a reaction added again after a removal from a replay of the same add.
            var eventId = await ghost.SendEventAsync(portal.RoomId, "m.reaction", content,
                new SendOptions(TransactionIds.Stable("discord", "react", remoteId, reaction.Sequence.ToString(CultureInfo.InvariantCulture))),
                cancellationToken);
            await mappings.TryAddAsync(new Mapping(BridgeKinds.Reaction, remoteId, "", eventId, portal.RoomId), cancellationToken);
            return;
        }

        foreach (var mapping in existing)
        {
            try
            {
                await ghosts.For(reaction.UserId).RedactAsync(portal.RoomId, mapping.MatrixId, null,
                    new SendOptions(TransactionIds.Stable("discord", "unreact", mapping.MatrixId)), cancellationToken);
            }
            catch (MatrixApiException e)
            {
                LogRedactFailed(logger, e, mapping.MatrixId, portal.RoomId);
            }
        }

        await mappings.RemoveByRemoteAsync(BridgeKinds.Reaction, remoteId, cancellationToken);
    }

    private async Task TypingAsync(TypingDispatch typing, CancellationToken cancellationToken)
    {
        if (await PortalForAsync(typing.ChannelId, typing.UserId, null, cancellationToken) is not { } portal)
        {
            return;
        }

        var ghost = typing.Member?.User is { } user ? await ghosts.EnsureAsync(user, cancellationToken) : ghosts.For(typing.UserId);
        await ghost.SetTypingAsync(portal.RoomId, true, TypingTimeout, cancellationToken);
    }
}
