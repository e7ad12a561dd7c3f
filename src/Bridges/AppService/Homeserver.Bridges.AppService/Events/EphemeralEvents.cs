using System.Text.Json;

namespace Homeserver.Bridges.AppService.Events;

/// <summary><c>m.typing</c>: the users typing now in <see cref="MatrixEvent.RoomId"/>.</summary>
public sealed record TypingEvent(JsonElement Raw, string Type) : MatrixEvent(Raw, Type)
{
    public IReadOnlyList<string> UserIds => JsonRead.Strings(Content, "user_ids");
}

/// <summary>One receipt: <paramref name="UserId"/> read up to <paramref name="EventId"/>.</summary>
public sealed record Receipt(string EventId, string ReceiptType, string UserId, long? Timestamp, string? ThreadId);

/// <summary><c>m.receipt</c>: content maps event ID -> receipt type -> user ID -> {ts, thread_id}.</summary>
public sealed record ReceiptEvent(JsonElement Raw, string Type) : MatrixEvent(Raw, Type)
{
    public IReadOnlyList<Receipt> Receipts =>
        (from byEvent in JsonRead.Members(Content)
         from byType in JsonRead.Members(byEvent.Value)
         from byUser in JsonRead.Members(byType.Value)
         select new Receipt(byEvent.Name, byType.Name, byUser.Name,
             JsonRead.Integer(byUser.Value, "ts"), JsonRead.String(byUser.Value, "thread_id"))).ToList();
}

/// <summary><c>m.presence</c> of <see cref="MatrixEvent.Sender"/>.</summary>
public sealed record PresenceEvent(JsonElement Raw, string Type) : MatrixEvent(Raw, Type)
{
    public string? Presence => JsonRead.String(Content, "presence");

    public string? StatusMessage => JsonRead.String(Content, "status_msg");

    public long? LastActiveAgo => JsonRead.Integer(Content, "last_active_ago");

    public bool? CurrentlyActive => JsonRead.Boolean(Content, "currently_active");
}
