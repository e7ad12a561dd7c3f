using Dapper;
using Homeserver.Core.Events;
using Homeserver.Services.Rooms;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>
/// Queries of the read side of rooms (history visibility, pagination helpers) over the tables of migration
/// 0003 with the index of 0006. Events themselves are loaded through <see cref="IRoomEventReader"/>.
/// </summary>
public sealed class RoomHistoryReader(NpgsqlDataSource dataSource, IRoomEventReader events, StateGroupCache stateGroups)
    : IRoomHistoryReader
{
    // Events a client may see: in the stream, neither rejected nor soft-failed.
    private const string Visible = "stream_ordering IS NOT NULL AND rejected_reason IS NULL AND NOT soft_failed";

    private const string MembershipSql = """
        SELECT membership AS Membership, event_id AS EventId, stream_ordering AS StreamOrdering, forgotten AS Forgotten
        FROM room_memberships WHERE room_id = @roomId AND user_id = @userId
        """;

    private const string MembershipChangesSql = $"""
        SELECT json::jsonb -> 'content' ->> 'membership' AS Membership, event_id AS EventId,
               stream_ordering AS StreamOrdering
        FROM events
        WHERE room_id = @roomId AND type = 'm.room.member' AND state_key = @userId AND {Visible}
        ORDER BY stream_ordering
        """;

    private const string CurrentStateIdSql = """
        SELECT event_id FROM current_state WHERE room_id = @roomId AND type = @type AND state_key = @stateKey
        """;

    private const string StateGroupsSql = """
        SELECT event_id AS EventId, state_group AS StateGroup FROM events
        WHERE event_id = ANY(@ids) AND state_group IS NOT NULL
        """;

    private const string LastEventAtSql = $"""
        SELECT event_id FROM events WHERE room_id = @roomId AND stream_ordering <= @stream AND {Visible}
          AND state_group IS NOT NULL
        ORDER BY stream_ordering DESC LIMIT 1
        """;

    private const string ForwardsByTimestampSql = $"""
        SELECT event_id FROM events WHERE room_id = @roomId AND origin_server_ts >= @timestamp AND {Visible}
        ORDER BY origin_server_ts, stream_ordering LIMIT @limit
        """;

    private const string BackwardsByTimestampSql = $"""
        SELECT event_id FROM events WHERE room_id = @roomId AND origin_server_ts <= @timestamp AND {Visible}
        ORDER BY origin_server_ts DESC, stream_ordering DESC LIMIT @limit
        """;

    public async Task<MembershipRow?> GetMembershipAsync(string roomId, string userId,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<MembershipRow>(new CommandDefinition(MembershipSql,
            new { roomId, userId }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<MembershipChange>> GetMembershipChangesAsync(string roomId, string userId,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string? Membership, string EventId, long StreamOrdering)>(
            new CommandDefinition(MembershipChangesSql, new { roomId, userId }, cancellationToken: cancellationToken));
        return rows.Select(r => new MembershipChange(r.Membership ?? Memberships.Leave, r.EventId, r.StreamOrdering))
            .ToList();
    }

    public async Task<StoredEvent?> GetCurrentStateEventAsync(string roomId, string type, string stateKey,
        CancellationToken cancellationToken)
    {
        string? eventId;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            eventId = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(CurrentStateIdSql,
                new { roomId, type, stateKey }, cancellationToken: cancellationToken));
        }

        return eventId is null ? null : await events.GetEventAsync(eventId, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<TypeAndStateKey, string>>> GetStateIdsAfterAsync(
        IReadOnlyCollection<string> eventIds, IReadOnlyCollection<TypeAndStateKey>? keys,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        var result = new Dictionary<string, IReadOnlyDictionary<TypeAndStateKey, string>>(StringComparer.Ordinal);
        if (eventIds.Count == 0)
        {
            return result;
        }

        // Groups of events asked before (every woken sync asks for the same new events) come from memory; the
        // connection is opened only for what memory does not hold.
        var groups = new List<(string EventId, long StateGroup)>(eventIds.Count);
        var unknown = new List<string>();
        foreach (var eventId in eventIds)
        {
            if (stateGroups.TryGetEventGroup(eventId, out var known))
            {
                groups.Add((eventId, known));
            }
            else
            {
                unknown.Add(eventId);
            }
        }

        NpgsqlConnection? connection = null;
        try
        {
            if (unknown.Count > 0)
            {
                connection = await dataSource.OpenConnectionAsync(cancellationToken);
                foreach (var row in await connection.QueryAsync<(string EventId, long StateGroup)>(new CommandDefinition(
                             StateGroupsSql, new { ids = unknown.ToArray() }, cancellationToken: cancellationToken)))
                {
                    stateGroups.RememberEventGroup(row.EventId, row.StateGroup);
                    groups.Add(row);
                }
            }

            var resolved = new Dictionary<long, IReadOnlyDictionary<TypeAndStateKey, string>>();
            foreach (var (eventId, group) in groups)
            {
                if (!resolved.TryGetValue(group, out var state))
                {
                    state = keys is null
                        ? stateGroups.TryGetInMemory(group, out var whole) ? whole
                        : await stateGroups.ResolveAsync(connection ??= await dataSource.OpenConnectionAsync(cancellationToken),
                            group, cancellationToken)
                        : stateGroups.TryResolveKeysInMemory(group, keys) ??
                          await stateGroups.ResolveKeysAsync(
                              connection ??= await dataSource.OpenConnectionAsync(cancellationToken), group, keys,
                              cancellationToken);
                    resolved[group] = state;
                }

                result[eventId] = state;
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }

        return result;
    }

    public async Task<string?> GetLastEventIdAtAsync(string roomId, long stream, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(LastEventAtSql,
            new { roomId, stream }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<StoredEvent>> GetEventsByTimestampAsync(string roomId, long timestamp,
        bool forwards, int limit, CancellationToken cancellationToken)
    {
        List<string> ids;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            ids = (await connection.QueryAsync<string>(new CommandDefinition(
                forwards ? ForwardsByTimestampSql : BackwardsByTimestampSql, new { roomId, timestamp, limit },
                cancellationToken: cancellationToken))).ToList();
        }

        var found = (await events.GetEventsAsync(ids, cancellationToken)).ToDictionary(e => e.Pdu.EventId, StringComparer.Ordinal);
        return ids.Where(found.ContainsKey).Select(id => found[id]).ToList();
    }
}
