using Dapper;
using Homeserver.Services.AppServices.Push;
using Npgsql;

namespace Homeserver.Storage.AppServices;

/// <summary>
/// Reads what makes rooms interesting to appservices, for many rooms in one round trip: joined members
/// (<c>room_memberships</c>), local aliases (<c>room_aliases</c>) and the canonical alias with its alternatives
/// (<c>current_state</c>, unless redacted).
/// </summary>
public sealed class AppServiceRoomFactsReader(NpgsqlDataSource dataSource) : IAppServiceRoomFactsReader
{
    private const string FactsSql = """
        SELECT room_id AS RoomId, user_id AS Value, true AS IsMember FROM room_memberships
        WHERE room_id = ANY(@roomIds) AND membership = 'join'
        UNION ALL
        SELECT room_id, room_alias, false FROM room_aliases WHERE room_id = ANY(@roomIds)
        UNION ALL
        SELECT cs.room_id, a.alias, false
        FROM current_state cs JOIN events e ON e.event_id = cs.event_id
        CROSS JOIN LATERAL (
            SELECT e.json::jsonb -> 'content' ->> 'alias' AS alias
            WHERE jsonb_typeof(e.json::jsonb -> 'content' -> 'alias') = 'string'
            UNION ALL
            SELECT x FROM jsonb_array_elements_text(
                CASE WHEN jsonb_typeof(e.json::jsonb -> 'content' -> 'alt_aliases') = 'array'
                     THEN e.json::jsonb -> 'content' -> 'alt_aliases' ELSE '[]'::jsonb END) AS t(x)) a
        WHERE cs.room_id = ANY(@roomIds) AND cs.type = 'm.room.canonical_alias' AND cs.state_key = ''
          AND e.redacted_by IS NULL
        """;

    public async Task<IReadOnlyDictionary<string, AppServiceRoomFacts>> GetAsync(IReadOnlyCollection<string> roomIds,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomIds);
        var facts = new Dictionary<string, (HashSet<string> Members, HashSet<string> Aliases)>(StringComparer.Ordinal);
        if (roomIds.Count == 0)
        {
            return new Dictionary<string, AppServiceRoomFacts>();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<FactRow>(new CommandDefinition(FactsSql,
            new { roomIds = roomIds.ToArray() }, cancellationToken: cancellationToken));
        foreach (var row in rows)
        {
            if (!facts.TryGetValue(row.RoomId, out var room))
            {
                room = (new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));
                facts[row.RoomId] = room;
            }

            (row.IsMember ? room.Members : room.Aliases).Add(row.Value);
        }

        return facts.ToDictionary(f => f.Key, f => new AppServiceRoomFacts(f.Value.Members, f.Value.Aliases),
            StringComparer.Ordinal);
    }

    private sealed record FactRow(string RoomId, string Value, bool IsMember);
}
