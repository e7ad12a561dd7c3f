using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Rooms;

/// <summary>
/// Stored events in the client-server API's "ClientEvent" format: redacted per the room version's
/// algorithm when a redaction applies (with <c>unsigned.redacted_because</c>), <c>transaction_id</c> only
/// in the scope that sent it (the device, or the appservice acting as the sender), <c>age</c> from the clock, <c>prev_content</c> for replaced state.
/// </summary>
public sealed class ClientEventFormatter(TimeProvider time)
{
    public JsonObject Format(StoredEvent stored, Requester? requester, Pdu? replacedState = null)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var pdu = stored.Pdu;
        // The content stays a view of the stored event's JSON until something changes it: an event formatted for
        // thousands of readers is not copied node by node for each of them.
        var content = stored.RedactedBecause is null
            ? ContentOf(pdu)
            : Redaction.Redact(pdu.ToJsonObject(), pdu.Version)["content"]?.DeepClone() ?? new JsonObject();
        var result = new JsonObject
        {
            ["content"] = content,
            ["event_id"] = pdu.EventId,
            ["origin_server_ts"] = pdu.OriginServerTs,
            ["room_id"] = pdu.RoomId,
            ["sender"] = pdu.Sender,
            ["type"] = pdu.Type,
        };
        if (pdu.StateKey is not null)
        {
            result["state_key"] = pdu.StateKey;
        }

        // From version 11 on, "redacts" is in the content; it stays at the top level too for the clients that read
        // it there (matrix-js-sdk, Element), as Synapse keeps it.
        if (pdu.Redacts is not null)
        {
            result["redacts"] = pdu.Redacts;
        }

        var unsigned = new JsonObject { ["age"] = Math.Max(0, time.GetUtcNow().ToUnixTimeMilliseconds() - pdu.OriginServerTs) };
        if (stored.Transaction is { } txn && requester is not null && txn.Scope == TransactionScope.Of(requester))
        {
            unsigned["transaction_id"] = txn.TxnId;
        }

        if (stored.RedactedBecause is { } redaction)
        {
            unsigned["redacted_because"] = Format(new StoredEvent(redaction, null, null, null, null), null);
        }

        if (stored.ReplacesState is not null)
        {
            unsigned["replaces_state"] = stored.ReplacesState;
            if (replacedState is not null && !stored.PrunedForErasedSender)
            {
                unsigned["prev_content"] = ContentOf(replacedState);
                unsigned["prev_sender"] = replacedState.Sender;
            }
        }

        result["unsigned"] = unsigned;
        return result;
    }

    private static JsonObject ContentOf(Pdu pdu) =>
        pdu.Content.ValueKind == JsonValueKind.Object ? JsonObject.Create(pdu.Content)! : new JsonObject();
}
