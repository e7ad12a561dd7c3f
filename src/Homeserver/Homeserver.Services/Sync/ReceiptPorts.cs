namespace Homeserver.Services.Sync;

/// <summary>A read receipt; <see cref="ThreadId"/> is empty for an unthreaded one.</summary>
public sealed record Receipt(string RoomId, string UserId, string Type, string ThreadId, string EventId, long Ts,
    long StreamId = 0);

public interface IReceiptStore
{
    /// <summary>Stores the receipt (replacing the user's previous one of its type and thread); returns its position.</summary>
    Task<long> PutAsync(Receipt receipt, CancellationToken cancellationToken);

    /// <summary>Receipts in <paramref name="roomIds"/> written after <paramref name="since"/> up to <paramref name="upTo"/>.</summary>
    Task<IReadOnlyList<Receipt>> GetAsync(IReadOnlyCollection<string> roomIds, long since, long upTo,
        CancellationToken cancellationToken);
}
