using Dapper;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.History;
using Homeserver.Storage.Rooms;
using Npgsql;

namespace Homeserver.Storage.Federation;

/// <summary>
/// The reads of the federation history endpoints (<see cref="IFederationHistoryStore"/>) over <c>events</c>,
/// <c>event_edges</c>, <c>event_auth</c>, <c>room_memberships</c> and the state groups (migrations 0003, 0027).
/// </summary>
public sealed class FederationHistoryStore(NpgsqlDataSource dataSource, StateGroupCache stateGroups)
    : IFederationHistoryStore
{
    private const string RoomExistsSql = "SELECT EXISTS (SELECT 1 FROM rooms WHERE room_id = @roomId)";

    // The server part of a user ID is everything after its first ':'.
    private const string ServerJoinedSql = """
        SELECT EXISTS (SELECT 1 FROM room_memberships
                       WHERE room_id = @roomId AND membership = 'join'
                         AND substr(user_id, strpos(user_id, ':') + 1) = @server)
        """;

    private const string StatusSql = """
        SELECT room_id AS RoomId, rejected_reason IS NOT NULL AS Rejected, outlier AS Outlier, soft_failed AS SoftFailed,
               depth AS Depth, state_group_before AS StateGroupBefore, state_group AS StateGroupAfter
        FROM events WHERE event_id = @eventId
        """;

    // Oldest first, so that a receiver can check each event against the ones before it.
    private const string AuthChainSql = """
        WITH RECURSIVE chain(event_id) AS (
            SELECT auth_id FROM event_auth WHERE event_id = ANY(@ids)
            UNION
            SELECT a.auth_id FROM event_auth a JOIN chain c ON a.event_id = c.event_id
        )
        SELECT e.event_id FROM events e
        WHERE e.event_id IN (SELECT event_id FROM chain) OR (@includeGiven AND e.event_id = ANY(@ids))
        ORDER BY e.depth, e.event_id
        """;

    private const string PrevEventsSql = """
        SELECT ed.event_id AS Child, p.event_id AS EventId, p.depth AS Depth, p.stream_ordering AS StreamOrdering,
               p.outlier AS Outlier, p.rejected_reason IS NOT NULL AS Rejected
        FROM event_edges ed JOIN events p ON p.event_id = ed.prev_event_id
        WHERE ed.event_id = ANY(@ids) AND p.room_id = @roomId
        """;

    private const string RoomEventsSql = """
        SELECT event_id AS EventId, depth AS Depth, stream_ordering AS StreamOrdering, outlier AS Outlier,
               rejected_reason IS NOT NULL AS Rejected
        FROM events WHERE event_id = ANY(@ids) AND room_id = @roomId
        """;

    public async Task<bool> RoomExistsAsync(RoomId roomId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(RoomExistsSql,
            new { roomId = roomId.Value }, cancellationToken: cancellationToken));
    }

    public async Task<bool> IsServerJoinedAsync(RoomId roomId, ServerName server, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(ServerJoinedSql,
            new { roomId = roomId.Value, server = server.Value }, cancellationToken: cancellationToken));
    }

    public async Task<StoredEventStatus?> GetStatusAsync(EventId eventId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<StatusRow>(new CommandDefinition(StatusSql,
            new { eventId = eventId.Value }, cancellationToken: cancellationToken));
        return row is null || !RoomId.TryParse(row.RoomId, out var roomId, out _)
            ? null
            : new StoredEventStatus(roomId, row.Rejected, row.Outlier, row.SoftFailed, row.Depth, row.StateGroupBefore,
                row.StateGroupAfter);
    }

    public async Task<IReadOnlyDictionary<TypeAndStateKey, string>> GetStateAsync(long stateGroup,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await stateGroups.ResolveAsync(connection, stateGroup, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> GetAuthChainIdsAsync(IReadOnlyCollection<string> eventIds,
        bool includeGiven, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        if (eventIds.Count == 0)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition(AuthChainSql,
            new { ids = eventIds.ToArray(), includeGiven }, cancellationToken: cancellationToken))).ToList();
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<DagNeighbour>>> GetPrevEventsAsync(RoomId roomId,
        IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        var result = new Dictionary<string, IReadOnlyList<DagNeighbour>>(StringComparer.Ordinal);
        if (eventIds.Count == 0)
        {
            return result;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<PrevRow>(new CommandDefinition(PrevEventsSql,
            new { ids = eventIds.ToArray(), roomId = roomId.Value }, cancellationToken: cancellationToken));
        foreach (var group in rows.GroupBy(r => r.Child, StringComparer.Ordinal))
        {
            result[group.Key] = group.Select(r => new DagNeighbour(r.EventId, r.Depth, r.StreamOrdering, r.Outlier,
                r.Rejected)).ToList();
        }

        return result;
    }

    public async Task<IReadOnlyList<DagNeighbour>> GetRoomEventsAsync(RoomId roomId,
        IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        if (eventIds.Count == 0)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<DagNeighbour>(new CommandDefinition(RoomEventsSql,
            new { ids = eventIds.ToArray(), roomId = roomId.Value }, cancellationToken: cancellationToken))).ToList();
    }

    private sealed record StatusRow(string RoomId, bool Rejected, bool Outlier, bool SoftFailed, long Depth,
        long? StateGroupBefore, long? StateGroupAfter);

    private sealed record PrevRow(string Child, string EventId, long Depth, long? StreamOrdering, bool Outlier,
        bool Rejected);
}
