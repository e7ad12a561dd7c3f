namespace Homeserver.Services.Rooms;

/// <summary>Reading event relations (m.relates_to): children of an event, aggregations for bundling, threads.</summary>
public interface IRelationsReader
{
    /// <summary>IDs of the events relating to <see cref="RelationsQuery.EventId"/>, in stream order from the query's position.</summary>
    Task<IReadOnlyList<(string EventId, long StreamOrdering)>> GetRelationsAsync(RelationsQuery query,
        CancellationToken cancellationToken);

    /// <summary>
    /// The aggregations of m.thread, m.replace and m.reference children of each parent, in one query: one per group of
    /// children that history visibility treats alike for the query's user.
    /// </summary>
    Task<IReadOnlyList<RelationAggregate>> GetAggregatesAsync(AggregatesQuery query,
        CancellationToken cancellationToken);

    /// <summary>
    /// Which of <paramref name="parentIds"/> have any m.thread, m.replace or m.reference child at or before stream
    /// position <paramref name="upTo"/>, whoever may see it: the same answer for every reader, so the syncs one event
    /// woke ask it once and skip the reader's own aggregation query for events nothing relates to.
    /// </summary>
    Task<IReadOnlySet<string>> GetParentsWithChildrenAsync(string roomId, IReadOnlyCollection<string> parentIds,
        long upTo, CancellationToken cancellationToken);

    /// <summary>Thread roots of a room, the most recently active first, active before <paramref name="before"/>.</summary>
    Task<IReadOnlyList<(string RootId, long LatestStream)>> GetThreadsAsync(string roomId, string? participant,
        long before, int limit, CancellationToken cancellationToken);
}

/// <param name="Depth">1 for direct relations only; more to follow relations of relations.</param>
/// <param name="IgnoredSenders">Senders whose events are left out.</param>
public sealed record RelationsQuery(string RoomId, string EventId, string? RelType, string? EventType, long From,
    long? To, bool Forwards, int Limit, int Depth, IReadOnlyCollection<string> IgnoredSenders);

/// <param name="UserId">The reader, for whom children are grouped by what decides their visibility.</param>
/// <param name="UpTo">When set, children after this stream position are left out.</param>
/// <param name="IgnoredSenders">Senders whose (non-state) children are left out.</param>
public sealed record AggregatesQuery(string RoomId, IReadOnlyCollection<string> ParentIds, string UserId, long? UpTo,
    IReadOnlyCollection<string> IgnoredSenders);

/// <summary>
/// One relation type's aggregation over a group of a parent's children that history visibility treats alike (the
/// same state after them, the same side of the user's last join; a state event is a group of its own): m.thread
/// (count, latest reply, whether the user replied), m.replace (the newest valid edit), m.reference (the children's
/// IDs, oldest first). <see cref="LatestId"/> is the group's newest child (for m.replace, the newest edit), which
/// decides the group's visibility; <see cref="Covered"/> when the query found it visible already (the user joined
/// before every child of the group and has not left since).
/// </summary>
public sealed record RelationAggregate(string ParentId, string RelType, long Count, string LatestId,
    bool Participated, IReadOnlyList<string> EventIds, bool Covered);

/// <summary>Full-text search over room events.</summary>
public interface IEventSearch
{
    Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken cancellationToken);
}

/// <param name="Keys">Some of content.body, content.name, content.topic.</param>
/// <param name="Before">For ordering by recency: only events before this stream position.</param>
/// <param name="Offset">For ordering by rank: results already given.</param>
public sealed record SearchQuery(IReadOnlyList<string> RoomIds, string Term, IReadOnlyList<string> Keys, bool ByRank,
    long? Before, int Offset, int Limit);

public sealed record SearchHit(string EventId, double Rank, long StreamOrdering);

public sealed record SearchPage(IReadOnlyList<SearchHit> Hits, long Count);

/// <summary>Reports of events and rooms, kept for the server's administrators.</summary>
public interface IReportStore
{
    Task AddAsync(ContentReport report, CancellationToken cancellationToken);

    Task AddUserReportAsync(UserReport report, CancellationToken cancellationToken);
}

public sealed record UserReport(string ReportedUserId, string Reporter, string Reason, long ReceivedTs);

/// <param name="EventId">Null for a report of the whole room.</param>
public sealed record ContentReport(string RoomId, string? EventId, string Reporter, string? Reason, int? Score,
    long ReceivedTs);
