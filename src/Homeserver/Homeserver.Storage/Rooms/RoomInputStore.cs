using Dapper;
using Homeserver.Core.Events;
using Homeserver.Services.Rooms.Input;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>The reads of the room input path (<see cref="IRoomInputStore"/>), over <c>events</c> and the state groups.</summary>
public sealed class RoomInputStore(NpgsqlDataSource dataSource, StateGroupCache stateGroups) : IRoomInputStore
{
    private const string EventsSql = """
        SELECT e.event_id AS EventId, e.json AS Json, r.room_version AS RoomVersion,
               e.rejected_reason IS NOT NULL AS Rejected, e.outlier AS Outlier, e.state_group AS StateGroup
        FROM events e JOIN rooms r ON r.room_id = e.room_id
        WHERE e.event_id = ANY(@ids)
        """;

    private const string ReferencedSql = "SELECT EXISTS (SELECT 1 FROM event_edges WHERE prev_event_id = @eventId)";

    public async Task<IReadOnlyDictionary<string, InputStoredEvent>> GetEventsAsync(
        IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(EventsSql,
            new { ids = eventIds.ToArray() }, cancellationToken: cancellationToken));
        var found = new Dictionary<string, InputStoredEvent>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (RoomVersions.TryGet(row.RoomVersion, out var version))
            {
                found[row.EventId] = new InputStoredEvent(Pdu.FromTrusted(row.Json, version, row.EventId),
                    row.Rejected, row.Outlier, row.StateGroup);
            }
        }

        return found;
    }

    public async Task<IReadOnlyDictionary<TypeAndStateKey, string>> GetStateAsync(long stateGroup,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await stateGroups.ResolveAsync(connection, stateGroup, cancellationToken);
    }

    public async Task<bool> IsReferencedAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(ReferencedSql, new { eventId },
            cancellationToken: cancellationToken));
    }

    private sealed record EventRow(string EventId, string Json, string RoomVersion, bool Rejected, bool Outlier,
        long? StateGroup);
}
