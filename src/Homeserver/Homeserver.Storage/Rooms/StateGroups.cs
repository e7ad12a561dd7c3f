using Dapper;
using Homeserver.Core.Events;
using Homeserver.Services.Rooms;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>
/// The <c>state_groups</c> and <c>state_group_entries</c> tables (migration 0003): immutable state
/// snapshots stored as a parent plus a delta, cut into a full snapshot every
/// <see cref="RoomLimits.MaxStateChain"/> links.
/// </summary>
internal static class StateGroups
{
    // The group and its entries in one statement.
    private const string InsertGroupSql = """
        WITH g AS (
            INSERT INTO state_groups (room_id, parent_id, chain_length, ancestors)
            SELECT @roomId, @parentId, @chainLength, CASE WHEN @parentId::bigint IS NULL THEN '{}'::bigint[]
                ELSE array_prepend(@parentId::bigint, (SELECT ancestors FROM state_groups WHERE id = @parentId)) END
            RETURNING id
        ), entries AS (
            INSERT INTO state_group_entries (state_group, type, state_key, event_id)
            SELECT g.id, t, k, e FROM g, unnest(@types, @keys, @events) AS x(t, k, e)
        )
        SELECT id FROM g
        """;

    private const string ChainLengthSql = "SELECT chain_length FROM state_groups WHERE id = @id";

    // The group and its ancestors (migration 0037), nearest first; the nearest group's entry for a key wins. The
    // ANY(ARRAY(...)) makes Postgres read the entries of the chain's groups by index: a join on the chain alone
    // leads it to scan the whole entries table, which grows with every state event of every room.
    private const string ChainSql = """
        WITH chain AS (
            SELECT c.id, c.distance FROM state_groups g,
                unnest(array_prepend(g.id, g.ancestors)) WITH ORDINALITY AS c(id, distance)
            WHERE g.id = @group
        )
        """;

    private const string ResolveSql = ChainSql + """
        SELECT DISTINCT ON (e.type, e.state_key) e.type AS Type, e.state_key AS StateKey, e.event_id AS EventId
        FROM state_group_entries e JOIN chain c ON e.state_group = c.id
        WHERE e.state_group = ANY(ARRAY(SELECT id FROM chain))
        ORDER BY e.type, e.state_key, c.distance
        """;

    // ResolveSql restricted to some (type, state_key) pairs: an index probe per group and key.
    private const string ResolveKeysSql = ChainSql + """
        SELECT DISTINCT ON (e.type, e.state_key) e.type AS Type, e.state_key AS StateKey, e.event_id AS EventId
        FROM state_group_entries e JOIN chain c ON e.state_group = c.id
        WHERE e.state_group = ANY(ARRAY(SELECT id FROM chain)) AND (e.type, e.state_key) IN (SELECT * FROM unnest(@types, @keys))
        ORDER BY e.type, e.state_key, c.distance
        """;

    /// <summary>A new group: the state of <paramref name="parent"/> with <paramref name="changes"/>, where
    /// <paramref name="fullState"/> is the whole resulting state (written out when the chain is cut).</summary>
    public static async Task<long> CreateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        StateGroupChains.Scope chains, string roomId, long? parent, IReadOnlyCollection<Pdu> changes,
        IReadOnlyDictionary<TypeAndStateKey, Pdu> fullState, CancellationToken cancellationToken)
    {
        var chainLength = parent is null ? 0 : await ChainLengthAsync(connection, transaction, chains, parent.Value,
            cancellationToken) + 1;
        var cut = parent is null || chainLength >= RoomLimits.MaxStateChain;
        var entries = cut ? fullState.Values.ToList() : changes.ToList();
        var group = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertGroupSql, new
        {
            roomId, parentId = cut ? null : parent, chainLength = cut ? 0 : chainLength,
            types = entries.Select(e => e.Type).ToArray(),
            keys = entries.Select(e => e.StateKey!).ToArray(),
            events = entries.Select(e => e.EventId).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
        chains.Created(group, cut ? 0 : chainLength);
        return group;
    }

    private static async Task<int> ChainLengthAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        StateGroupChains.Scope chains, long group, CancellationToken cancellationToken)
    {
        if (chains.TryGet(group, out var known))
        {
            return known;
        }

        var length = await connection.ExecuteScalarAsync<int>(new CommandDefinition(ChainLengthSql, new { id = group },
            transaction, cancellationToken: cancellationToken));
        chains.Read(group, length);
        return length;
    }

    public static async Task<IReadOnlyDictionary<TypeAndStateKey, string>> ResolveAsync(NpgsqlConnection connection,
        long group, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<(string Type, string StateKey, string EventId)>(new CommandDefinition(
            ResolveSql, new { group }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => new TypeAndStateKey(r.Type, r.StateKey), r => r.EventId);
    }

    /// <summary>The entries of <paramref name="group"/> for the given keys only.</summary>
    public static async Task<IReadOnlyDictionary<TypeAndStateKey, string>> ResolveKeysAsync(NpgsqlConnection connection,
        long group, IReadOnlyCollection<TypeAndStateKey> keys, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<(string Type, string StateKey, string EventId)>(new CommandDefinition(
            ResolveKeysSql, new
            {
                group, types = keys.Select(k => k.Type).ToArray(), keys = keys.Select(k => k.StateKey).ToArray(),
            }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => new TypeAndStateKey(r.Type, r.StateKey), r => r.EventId);
    }
}
