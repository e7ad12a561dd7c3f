using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.AppService.Events;

namespace Homeserver.Bridges.AppService.Example;

/// <summary>
/// The echo bot: joins rooms it is invited to, and answers <c>!echo text</c> with "text" as a reply. The reply's
/// transaction ID is derived from the command's event ID, so a command handled again (after a crash) is not
/// answered twice.
/// </summary>
public sealed class EchoBot(Intents intents) : IMatrixEventReceiver
{
    public const string Command = "!echo ";

    public async Task HandleAsync(MatrixEvent matrixEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matrixEvent);
        switch (matrixEvent)
        {
            case RoomMemberEvent { Membership: "invite", RoomId: { } roomId } invite when invite.StateKey == intents.Bot.UserId:
                await intents.Bot.EnsureJoinedAsync(roomId, cancellationToken);
                break;
            case RoomMessageEvent { RoomId: { } roomId, EventId: { } eventId, MessageType: "m.text" } message
                when !intents.Identity.IsOwnUser(message.Sender) && !message.IsEdit &&
                     message.Body.StartsWith(Command, StringComparison.Ordinal):
                await intents.Bot.SendTextAsync(roomId, message.Body[Command.Length..], replyTo: eventId, notice: true,
                    options: new SendOptions(TransactionIds.Stable("echo", eventId)), cancellationToken: cancellationToken);
                break;
        }
    }
}
