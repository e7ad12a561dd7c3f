using System.Text.Json;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Sync;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Federation.Edus;

/// <summary>
/// Inbound <c>m.receipt</c> (server-server API, "Receipts"): <c>{room_id: {"m.read": {user_id: {event_ids, data}}}}</c>.
/// Only public read receipts travel; each user's newest named event is kept, with its <c>data.ts</c> and
/// <c>data.thread_id</c>.
/// </summary>
public sealed class ReceiptEduHandler(ReceiptService receipts, RemoteEduSender senders, TimeProvider time,
    ILogger<ReceiptEduHandler> logger) : IEduHandler
{
    public string EduType => EduTypes.Receipt;

    public async Task HandleAsync(ServerName origin, JsonElement content, CancellationToken cancellationToken)
    {
        if (content.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var room in content.EnumerateObject())
        {
            if (room.Value.ValueKind != JsonValueKind.Object ||
                !room.Value.TryGetProperty(ReceiptService.Read, out var byUser) || byUser.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var user in byUser.EnumerateObject())
            {
                if (Read(room.Name, user.Name, user.Value) is not { } receipt)
                {
                    EduLog.Ignored(logger, EduType, origin, user.Name, "malformed");
                    continue;
                }

                if (!await senders.MaySpeakInRoomAsync(origin, user.Name, room.Name, cancellationToken))
                {
                    EduLog.Ignored(logger, EduType, origin, user.Name, "not the origin's user joined to the room, or denied by its ACL");
                    continue;
                }

                await receipts.ApplyRemoteAsync(receipt, cancellationToken);
            }
        }
    }

    private Receipt? Read(string roomId, string userId, JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("event_ids", out var ids) ||
            ids.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var eventId = ids.EnumerateArray().Where(id => id.ValueKind == JsonValueKind.String)
            .Select(id => id.GetString()!).LastOrDefault(id => Homeserver.Core.Identifiers.EventId.TryParse(id, out _, out _));
        if (eventId is null)
        {
            return null;
        }

        var data = entry.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        var ts = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("ts", out var t) && t.TryGetInt64(out var v)
            ? v
            : time.GetUtcNow().ToUnixTimeMilliseconds();
        var threadId = RemoteEduSender.StringProperty(data, "thread_id");
        if (threadId is not null && threadId != ReceiptService.MainThread && !threadId.StartsWith('$'))
        {
            return null;
        }

        return new Receipt(roomId, userId, ReceiptService.Read, threadId ?? "", eventId, ts);
    }
}
