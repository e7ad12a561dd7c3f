using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;
using Homeserver.Services.Live.Posting;
using Homeserver.Services.Rooms.Directory;

namespace Homeserver.Services.Rooms;

/// <summary>Sending message events, state events and redactions into rooms.</summary>
public sealed class MessagingService(RoomWriter writer, RoomEventFactory factory, IRoomEventReader reader,
    RoomAliasService aliases, LivePostingPolicy posting)
{
    /// <summary>What a redaction's txnId is prefixed with in the requester's transactions (sends use it bare).</summary>
    public const string RedactionTransactionPrefix = "redact:";

    // A first attempt on this process's cached head, a second on the real one, a third if the rules changed between.
    private const int MaxClearanceAttempts = 3;

    /// <summary>PUT /rooms/{roomId}/send/{eventType}/{txnId}: idempotent per transaction ID in the requester's
    /// scope (<see cref="TransactionScope"/>). The live posting rules apply (<see cref="LivePostingPolicy"/>).</summary>
    /// <param name="originServerTs">An appservice's <c>?ts=</c>; null for now.</param>
    public async Task<string> SendAsync(Requester requester, string roomId, string type, JsonObject content, string txnId,
        long? originServerTs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var transaction = new ClientTransaction(TransactionScope.Of(requester), txnId);
        ValidateType(type);
        if (requester.IsGuest)
        {
            Live.Access.GuestPosting.EnsureTypeAllowed(type);
        }

        if (requester.IsShadowBanned)
        {
            return Admin.ShadowBan.FakeEventId(transaction);
        }

        LivePostingClearance? clearance = null;
        var sent = false;
        // No lookup first: a repeated transaction fails on the unique key of event_txn_ids when written, and is
        // answered below with the event the first one made (one round trip less for every send).
        try
        {
            clearance = await posting.ClearAsync(requester.UserId, roomId, cancellationToken);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var eventId = await AppendOneAsync(roomId, head =>
                    {
                        if (requester.IsGuest)
                        {
                            Live.Access.GuestPosting.EnsureRoomAllowsGuests(head);
                        }

                        posting.Check(head, requester.UserId, clearance);
                        return factory.Build(head, new PduTemplate(type, requester.UserId.Value, null, content),
                            originServerTs);
                    }, transaction, cancellationToken);
                    sent = true;
                    return eventId;
                }
                catch (LivePostingClearanceNeededException needed) when (attempt < MaxClearanceAttempts)
                {
                    // This process's cached head was stale (or missing): clear on the head the decision saw.
                    clearance = await posting.ClearOnAsync(requester.UserId, needed.Head, clearance, cancellationToken);
                }
                catch (LivePostingClearanceNeededException)
                {
                    throw new MatrixException(ErrorCode.Unknown,
                        "The room's posting rules changed while sending; try again", 503);
                }
            }
        }
        catch (Exception e) when (IsUniqueViolation(e))
        {
            // A retry, or the same transaction racing in from another request: answer with the event it made.
            return await writer.FindTransactionAsync(transaction, cancellationToken)
                   ?? throw new MatrixException(ErrorCode.Unknown, "Transaction conflict", 409);
        }
        catch (MatrixException)
        {
            // A retry the room would now refuse (the sender left, say, or slow mode) still gets the event the first
            // send made.
            if (await writer.FindTransactionAsync(transaction, cancellationToken) is { } existing)
            {
                return existing;
            }

            throw;
        }
        finally
        {
            if (!sent)
            {
                await posting.ReleaseAsync(clearance);
            }
        }
    }

    /// <summary>PUT /rooms/{roomId}/state/{eventType}/{stateKey}.</summary>
    /// <param name="originServerTs">An appservice's <c>?ts=</c>; null for now.</param>
    public async Task<string> SetStateAsync(Requester requester, string roomId, string type, string stateKey,
        JsonObject content, long? originServerTs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ValidateType(type);
        if (System.Text.Encoding.UTF8.GetByteCount(stateKey) > PduFormat.MaxFieldBytes)
        {
            throw new MatrixException(ErrorCode.BadJson, $"state_key is longer than {PduFormat.MaxFieldBytes} bytes");
        }

        if (type == EventTypes.Member)
        {
            return await SetOwnJoinAsync(requester, roomId, stateKey, content, originServerTs, cancellationToken);
        }

        if (type == DirectoryStateTypes.CanonicalAlias && stateKey.Length == 0)
        {
            await RequireRoomAsync(roomId, cancellationToken);
            await aliases.ValidateCanonicalAliasAsync(roomId, content, cancellationToken);
        }

        return await AppendOneAsync(roomId, head => factory.Build(head,
            new PduTemplate(type, requester.UserId.Value, stateKey, content), originServerTs), null, cancellationToken);
    }

    /// <summary>
    /// m.room.member through the state endpoint: only the requester's own event, with membership <c>join</c> while
    /// joined, so the membership does not change and the display name and avatar in it are for this room alone
    /// (Element's /myroomnick). Changes of membership go through the membership endpoints, which apply their rules
    /// (profile on join, ignored users on invite, restricted joins).
    /// </summary>
    private async Task<string> SetOwnJoinAsync(Requester requester, string roomId, string stateKey,
        JsonObject content, long? originServerTs, CancellationToken cancellationToken)
    {
        var user = requester.UserId.Value;
        if (stateKey != user || content["membership"]?.GetValueKind() != JsonValueKind.String ||
            content["membership"]!.GetValue<string>() != Memberships.Join)
        {
            throw MembershipChangeRefused();
        }

        return await AppendOneAsync(roomId, head => head.Get(EventTypes.Member, user)?.Membership == Memberships.Join
            ? factory.Build(head, new PduTemplate(EventTypes.Member, user, user, content), originServerTs)
            : throw MembershipChangeRefused(), null, cancellationToken);
    }

    private static MatrixException MembershipChangeRefused() => new(ErrorCode.BadJson,
        "Use the membership endpoints (join, invite, leave, kick, ban) to change m.room.member; this endpoint only " +
        "changes your own member event while you are joined (membership 'join')");

    /// <summary>The event a transaction of the requester already made (<paramref name="transactionKey"/>: the
    /// txnId of a send, "redact:" + txnId of a redaction), or null.</summary>
    public Task<string?> FindSentAsync(Requester requester, string transactionKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        return writer.FindTransactionAsync(new ClientTransaction(TransactionScope.Of(requester), transactionKey),
            cancellationToken);
    }

    /// <summary>PUT /rooms/{roomId}/redact/{eventId}/{txnId}.</summary>
    public async Task<string> RedactAsync(Requester requester, string roomId, string eventId, string? reason,
        string txnId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var transaction = new ClientTransaction(TransactionScope.Of(requester), RedactionTransactionPrefix + txnId);
        if (await writer.FindTransactionAsync(transaction, cancellationToken) is { } existing)
        {
            return existing;
        }

        var target = await reader.GetEventAsync(eventId, cancellationToken);
        if (target is null || target.Pdu.RoomId != roomId)
        {
            throw new MatrixException(ErrorCode.NotFound, "Event not found");
        }

        var content = new JsonObject();
        if (reason is not null)
        {
            content["reason"] = reason;
        }

        return await AppendOneAsync(roomId, head =>
        {
            var sender = requester.UserId.Value;
            if (target.Pdu.Sender != sender && !RoomPowerLevels.For(head.RoomState, head.Version).CanRedactOthers(sender))
            {
                throw new MatrixException(ErrorCode.Forbidden, "You may only redact your own events");
            }

            return factory.Build(head, new PduTemplate(EventTypes.Redaction, sender, null, content) { Redacts = eventId });
        }, transaction, cancellationToken);
    }

    private async Task<string> AppendOneAsync(string roomId, Func<RoomHead, Pdu> build, ClientTransaction? transaction,
        CancellationToken cancellationToken)
    {
        await RequireRoomAsync(roomId, cancellationToken);
        var persisted = await writer.AppendAsync(roomId, head => [new NewRoomEvent(build(head), transaction)],
            cancellationToken);
        return persisted[0].Pdu.EventId;
    }

    private async Task RequireRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        if (await reader.GetRoomVersionAsync(roomId, cancellationToken) is null)
        {
            throw new MatrixException(ErrorCode.NotFound, "Unknown room");
        }
    }

    private static void ValidateType(string type)
    {
        if (type.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(type) > PduFormat.MaxFieldBytes)
        {
            throw new MatrixException(ErrorCode.BadJson, $"An event type is 1 to {PduFormat.MaxFieldBytes} bytes");
        }
    }

    private static bool IsUniqueViolation(Exception e) =>
        e is System.Data.Common.DbException { SqlState: "23505" };

    internal static JsonObject ParseContent(JsonElement body) =>
        JsonObject.Create(body) ?? throw new MatrixException(ErrorCode.BadJson, "Content must be a JSON object");
}
