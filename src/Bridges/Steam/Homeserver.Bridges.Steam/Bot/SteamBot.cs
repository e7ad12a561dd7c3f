using Homeserver.Bridges.AppService;
using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.AppService.Events;
using Homeserver.Bridges.AppService.Store;

namespace Homeserver.Bridges.Steam.Bot;

/// <summary>
/// The bridge bot <c>@_steam_bot</c>: joins rooms local users invite it to and answers <c>!steam</c> commands there
/// (<see cref="BotCommands"/>). The registration's non-exclusive namespace brings the homeserver's other events here
/// too; they are ignored.
/// </summary>
public sealed class SteamBot(Intents intents, AppServiceIdentity identity, IMembershipStore memberships, BotCommands commands) : IMatrixEventReceiver
{
    public const string Prefix = "!steam";

    public async Task HandleAsync(MatrixEvent matrixEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matrixEvent);
        switch (matrixEvent)
        {
            case RoomMemberEvent { Membership: "invite", RoomId: { } roomId } invite
                when invite.StateKey == identity.BotUserId && SteamUsers.IsLocalUser(invite.Sender, identity.ServerName):
                await intents.Bot.EnsureJoinedAsync(roomId, cancellationToken);
                break;
            case RoomMessageEvent { RoomId: { } roomId, EventId: { } eventId, Sender: { } sender } message
                when SteamUsers.IsLocalUser(sender, identity.ServerName) && BotCommand.Parse(message, Prefix) is { } command &&
                     await memberships.GetMembershipAsync(roomId, identity.BotUserId, cancellationToken) == "join":
                var answer = await commands.RunAsync(sender, command, cancellationToken);
                await intents.Bot.SendTextAsync(roomId, answer, replyTo: eventId, notice: true,
                    options: new SendOptions(TransactionIds.Stable("steam", "reply", eventId)), cancellationToken: cancellationToken);
                break;
        }
    }
}
