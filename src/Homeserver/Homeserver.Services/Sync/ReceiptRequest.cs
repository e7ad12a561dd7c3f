namespace Homeserver.Services.Sync;

/// <summary>
/// POST /rooms/{roomId}/receipt/{receiptType}/{eventId}: the receipt type of the path and the body's
/// <c>thread_id</c>, checked by <see cref="Validation.ReceiptRequestValidator"/>.
/// </summary>
public sealed record ReceiptRequest(string ReceiptType, string? ThreadId);
