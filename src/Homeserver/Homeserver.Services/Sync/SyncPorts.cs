namespace Homeserver.Services.Sync;

/// <summary>The filters users upload (POST /user/{userId}/filter).</summary>
public interface IFilterStore
{
    /// <returns>The new filter's ID.</returns>
    Task<long> CreateAsync(string userId, string filterJson, CancellationToken cancellationToken);

    Task<string?> GetAsync(string userId, long filterId, CancellationToken cancellationToken);

    /// <summary>Every filter of the user, oldest first (the data export).</summary>
    Task<IReadOnlyList<(long FilterId, string FilterJson)>> GetAllAsync(string userId,
        CancellationToken cancellationToken);
}

/// <summary>A room the user has a membership of, as sync sees it.</summary>
public sealed record SyncMembership(string RoomId, string Membership, string EventId, long StreamOrdering,
    bool Forgotten);

/// <summary>An account data entry (global when RoomId is empty) and the position of its last write.</summary>
public sealed record AccountDataChange(string RoomId, string Type, string Content, long StreamId);

/// <summary>A room's member counts and its first members (by stream ordering) other than the syncing user:
/// those joined or invited, and those who left or were banned.</summary>
public sealed record RoomMemberSummary(int Joined, int Invited, IReadOnlyList<string> PresentHeroes,
    IReadOnlyList<string> DepartedHeroes);

/// <summary>Every /sync stream's newest position, and the event position of the newest membership change (all as of
/// one moment).</summary>
public sealed record StreamPositions(long Events, long AccountData, long Receipts, long ToDevice, long Presence,
    long DeviceLists, long MembershipsChangedAt)
{
    /// <summary>The position of a stream kept outside the events' token part (typing is in memory).</summary>
    public long Of(SyncStreamKind kind) => kind switch
    {
        SyncStreamKind.Events => Events,
        SyncStreamKind.AccountData => AccountData,
        SyncStreamKind.Receipts => Receipts,
        SyncStreamKind.ToDevice => ToDevice,
        SyncStreamKind.Presence => Presence,
        SyncStreamKind.DeviceLists => DeviceLists,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a stored stream"),
    };
}

/// <summary>Reads every stream's position in one round trip: each /sync pass needs all of them.</summary>
public interface IStreamPositionsReader
{
    Task<StreamPositions> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>What /sync reads beyond the room read side: memberships, account data changes, stream heads.</summary>
public interface ISyncReader
{
    /// <summary>Every room the user has a membership of (any membership).</summary>
    Task<IReadOnlyList<SyncMembership>> GetMembershipsAsync(string userId, CancellationToken cancellationToken);

    /// <summary>The user's account data written after <paramref name="since"/> up to <paramref name="upTo"/>.</summary>
    Task<IReadOnlyList<AccountDataChange>> GetAccountDataAsync(string userId, long since, long upTo,
        CancellationToken cancellationToken);

    /// <summary>The newest position of the account data stream.</summary>
    Task<long> GetAccountDataStreamAsync(CancellationToken cancellationToken);

    /// <summary>The room's current member counts and up to <paramref name="heroes"/> heroes of each kind.</summary>
    Task<RoomMemberSummary> GetMemberSummaryAsync(string roomId, string userId, int heroes,
        CancellationToken cancellationToken);

    /// <summary>Every room the user has a membership of, each joined room with whether it has events in
    /// (<paramref name="since"/>, <paramref name="upTo"/>]: one query for an incremental sync.</summary>
    Task<IReadOnlyList<(SyncMembership Membership, bool HasEvents)>> GetMembershipsWithActivityAsync(string userId,
        long since, long upTo, CancellationToken cancellationToken);
}
