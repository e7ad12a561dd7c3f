using System.Text.Json;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Sync;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Federation.Edus;

/// <summary>Inbound <c>m.typing</c> (server-server API, "Typing Notifications"): <c>{room_id, user_id, typing}</c>.</summary>
public sealed class TypingEduHandler(TypingService typing, RemoteEduSender senders, ILogger<TypingEduHandler> logger)
    : IEduHandler
{
    public string EduType => EduTypes.Typing;

    public async Task HandleAsync(ServerName origin, JsonElement content, CancellationToken cancellationToken)
    {
        var roomId = RemoteEduSender.StringProperty(content, "room_id");
        var userId = RemoteEduSender.StringProperty(content, "user_id");
        if (!content.TryGetProperty("typing", out var flag) || flag.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            EduLog.Ignored(logger, EduType, origin, roomId, "no boolean 'typing'");
            return;
        }

        if (!await senders.MaySpeakInRoomAsync(origin, userId, roomId, cancellationToken))
        {
            EduLog.Ignored(logger, EduType, origin, userId, "not the origin's user joined to the room, or denied by its ACL");
            return;
        }

        await typing.ApplyRemoteAsync(roomId!, userId!, flag.GetBoolean(), cancellationToken);
    }
}
