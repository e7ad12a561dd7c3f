using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Federation.Edus;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Sync;

/// <summary>
/// Receipts and read markers: POST /rooms/{roomId}/receipt/{type}/{eventId} and /read_markers. m.read and
/// m.read.private are receipts (the private one shown only to its owner); m.fully_read is room account data.
/// </summary>
public sealed class ReceiptService(IReceiptStore receipts, IRoomEventReader reader, IAccountDataStore accountData,
    IEnumerable<IAccountDataObserver> accountDataObservers, SyncNotifier notifier, TimeProvider time,
    FederationEdus? federation = null, AppServices.Push.AppServiceEphemeralPush? appServices = null)
{
    public const string Read = "m.read";
    public const string ReadPrivate = "m.read.private";
    public const string FullyRead = "m.fully_read";
    public const string MainThread = "main";

    private readonly IAccountDataObserver[] _observers = accountDataObservers.ToArray();

    /// <summary>A receipt whose type and thread were checked by <see cref="Validation.ReceiptRequestValidator"/>.</summary>
    public async Task SetReceiptAsync(Requester requester, string roomId, string type, string eventId, string? threadId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        await RequireEventInJoinedRoomAsync(requester, roomId, eventId, cancellationToken);
        if (type == FullyRead)
        {
            await SetFullyReadAsync(requester, roomId, eventId, cancellationToken);
            return;
        }

        var ts = time.GetUtcNow().ToUnixTimeMilliseconds();
        await receipts.PutAsync(new Receipt(roomId, requester.UserId.Value, type, threadId ?? "", eventId, ts),
            cancellationToken);
        notifier.NotifyRoom(roomId);
        if (type == Read && federation is not null)
        {
            await federation.ToRoomAsync(roomId, EduTypes.Receipt,
                FederatedReceipt(roomId, requester.UserId.Value, eventId, threadId, ts), cancellationToken);
        }

        if (type == Read && appServices is not null)
        {
            await appServices.OnReceiptAsync(roomId, requester.UserId.Value, eventId, threadId ?? "", ts,
                cancellationToken);
        }
    }

    /// <summary>A remote user's public read receipt from an <c>m.receipt</c> EDU (already checked).</summary>
    public async Task ApplyRemoteAsync(Receipt receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        await receipts.PutAsync(receipt, cancellationToken);
        notifier.NotifyRoom(receipt.RoomId);
        if (receipt.Type == Read && appServices is not null)
        {
            await appServices.OnReceiptAsync(receipt.RoomId, receipt.UserId, receipt.EventId, receipt.ThreadId,
                receipt.Ts, cancellationToken);
        }
    }

    /// <summary>The content of an <c>m.receipt</c> EDU for one receipt (server-server API, "Receipts").</summary>
    public static JsonObject FederatedReceipt(string roomId, string userId, string eventId, string? threadId, long ts)
    {
        var data = new JsonObject { ["ts"] = ts };
        if (threadId is not null)
        {
            data["thread_id"] = threadId;
        }

        return new JsonObject
        {
            [roomId] = new JsonObject
            {
                [Read] = new JsonObject
                {
                    [userId] = new JsonObject { ["event_ids"] = new JsonArray(eventId), ["data"] = data },
                },
            },
        };
    }

    /// <summary>POST /rooms/{roomId}/read_markers: any of m.fully_read, m.read, m.read.private.</summary>
    public async Task SetReadMarkersAsync(Requester requester, string roomId, string? fullyRead, string? read,
        string? readPrivate, CancellationToken cancellationToken)
    {
        foreach (var (type, eventId) in new[] { (FullyRead, fullyRead), (Read, read), (ReadPrivate, readPrivate) })
        {
            if (eventId is not null)
            {
                await SetReceiptAsync(requester, roomId, type, eventId, null, cancellationToken);
            }
        }
    }

    /// <summary>The m.receipt event for a room's receipts as <paramref name="viewer"/> may see them; null when none.</summary>
    public static JsonObject? ReceiptEvent(IEnumerable<Receipt> roomReceipts, string viewer)
    {
        var content = new JsonObject();
        foreach (var receipt in roomReceipts.Where(r => r.Type != ReadPrivate || r.UserId == viewer))
        {
            var byType = (content[receipt.EventId] ??= new JsonObject()).AsObject();
            var byUser = (byType[receipt.Type] ??= new JsonObject()).AsObject();
            var entry = new JsonObject { ["ts"] = receipt.Ts };
            if (receipt.ThreadId.Length > 0)
            {
                entry["thread_id"] = receipt.ThreadId;
            }

            byUser[receipt.UserId] = entry;
        }

        return content.Count == 0 ? null : new JsonObject { ["type"] = "m.receipt", ["content"] = content };
    }

    private async Task RequireEventInJoinedRoomAsync(Requester requester, string roomId, string eventId,
        CancellationToken cancellationToken)
    {
        if ((await reader.GetMembershipAsync(roomId, requester.UserId.Value, cancellationToken))?.Membership != Memberships.Join)
        {
            throw new MatrixException(ErrorCode.Forbidden, "You are not in this room");
        }

        var stored = await reader.GetEventAsync(eventId, cancellationToken);
        if (stored is null || stored.Pdu.RoomId != roomId)
        {
            throw new MatrixException(ErrorCode.NotFound, "Event not found");
        }
    }

    private async Task SetFullyReadAsync(Requester requester, string roomId, string eventId,
        CancellationToken cancellationToken)
    {
        var room = RoomId.TryParse(roomId, out var parsed, out _) ? parsed
            : throw new MatrixException(ErrorCode.InvalidParam, "Invalid room ID");
        await accountData.PutAsync(requester.UserId, room, FullyRead,
            new JsonObject { ["event_id"] = eventId }.ToJsonString(), cancellationToken);
        foreach (var observer in _observers)
        {
            observer.OnAccountDataChanged(requester.UserId.Value);
        }
    }
}
