using System.Text.Json;

namespace Homeserver.Bridges.AppService.Events;

/// <summary>
/// An event from a transaction, with the fields every event may have. <see cref="Raw"/> is the whole event as
/// received (a clone, safe to keep). Subclasses add the fields of the types bridges need; any other type arrives as
/// a plain <see cref="MatrixEvent"/>.
/// </summary>
public record MatrixEvent(JsonElement Raw, string Type)
{
    public JsonElement Content => JsonRead.Object(Raw, "content") ?? EmptyObject;

    public string? EventId => JsonRead.String(Raw, "event_id");

    public string? RoomId => JsonRead.String(Raw, "room_id");

    public string? Sender => JsonRead.String(Raw, "sender");

    /// <summary>Present (possibly empty) only on state events: the spec tells state from messages by it.</summary>
    public string? StateKey => JsonRead.String(Raw, "state_key");

    public bool IsState => StateKey is not null;

    public long? OriginServerTs => JsonRead.Integer(Raw, "origin_server_ts");

    /// <summary>Whether it came in the transaction's <c>ephemeral</c> list (typing, receipts, presence).</summary>
    public bool IsEphemeral { get; init; }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();
}

/// <summary>The <c>m.relates_to</c> of a message or reaction.</summary>
public sealed record Relation(string? RelationType, string? EventId, string? InReplyToEventId, string? Key, bool IsFallingBack)
{
    internal static Relation? From(JsonElement content)
    {
        if (JsonRead.Object(content, "m.relates_to") is not { } relates)
        {
            return null;
        }

        var reply = JsonRead.Object(relates, "m.in_reply_to") is { } inReply ? JsonRead.String(inReply, "event_id") : null;
        return new Relation(JsonRead.String(relates, "rel_type"), JsonRead.String(relates, "event_id"), reply,
            JsonRead.String(relates, "key"), JsonRead.Boolean(relates, "is_falling_back") ?? false);
    }
}
