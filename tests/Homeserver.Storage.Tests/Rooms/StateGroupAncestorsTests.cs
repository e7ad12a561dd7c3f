using System.Text.Json.Nodes;
using Dapper;
using Homeserver.Core.Events;
using Homeserver.Services.Rooms;
using Homeserver.Services.Shared;
using Homeserver.Storage.Migrations;
using Homeserver.Storage.Rooms;
using Homeserver.Testing;
using Npgsql;

namespace Homeserver.Storage.Tests.Rooms;

/// <summary>
/// Each state group lists its chain's groups (migration 0037), nearest first, so its state is read without walking
/// parent links; the chain is still cut into a full snapshot every <see cref="RoomLimits.MaxStateChain"/> links.
/// </summary>
public sealed class StateGroupAncestorsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    // Every group's ancestors as the parent links give them, nearest first.
    private const string WalkedAncestorsSql = """
        WITH RECURSIVE walk(id, ancestor, distance) AS (
            SELECT id, parent_id, 1 FROM state_groups WHERE parent_id IS NOT NULL
            UNION ALL
            SELECT w.id, g.parent_id, w.distance + 1 FROM walk w JOIN state_groups g ON g.id = w.ancestor
            WHERE g.parent_id IS NOT NULL
        )
        SELECT g.id AS Id, g.chain_length AS ChainLength, g.ancestors AS Ancestors,
               coalesce((SELECT array_agg(ancestor ORDER BY distance) FROM walk w WHERE w.id = g.id), '{}') AS Walked
        FROM state_groups g ORDER BY g.id
        """;

    [Fact]
    public async Task New_groups_list_their_chain_nearest_first_and_resolve_the_nearest_entry_of_each_key()
    {
        await using var room = await InputRoom.CreateAsync();
        var sends = RoomLimits.MaxStateChain + 15;
        for (var i = 0; i < sends; i++)
        {
            await room.LocalAsync("org.test.counter", (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture),
                new JsonObject { ["n"] = i });
        }

        var groups = await GroupsAsync(room.DataSource);
        Assert.All(groups, g => Assert.Equal(g.Walked, g.Ancestors));
        Assert.All(groups, g => Assert.Equal(g.ChainLength, g.Ancestors.Length));
        Assert.Contains(groups, g => g.ChainLength == RoomLimits.MaxStateChain - 1);
        Assert.True(groups.Count(g => g.ChainLength == 0) >= 2, "the chain was cut into a new snapshot");

        var last = await room.LocalAsync("org.test.counter", "0", new JsonObject { ["n"] = sends });
        var group = (await room.RowAsync(last.Single().Pdu.EventId)).StateGroup!.Value;
        var expected = await room.CurrentStateAsync();
        await using var connection = await room.DataSource.OpenConnectionAsync();
        var whole = await StateGroups.ResolveAsync(connection, group, None);
        Assert.Equal(expected, whole);
        var keys = new[] { new TypeAndStateKey("org.test.counter", "1"), new TypeAndStateKey("m.room.create", ""),
            new TypeAndStateKey("org.test.counter", "absent") };
        var some = await StateGroups.ResolveKeysAsync(connection, group, keys, None);
        Assert.Equal(2, some.Count);
        Assert.Equal(expected[keys[0]], some[keys[0]]);
        Assert.Equal(expected[keys[1]], some[keys[1]]);
    }

    [Fact]
    public async Task Groups_written_before_the_migration_get_their_ancestors_from_the_parent_links()
    {
        var connectionString = await (await TestPostgres.SharedAsync()).CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        var migration = Migrator.Known.Single(m => m.Name == "0037_state_group_ancestors");
        foreach (var older in Migrator.Known.Where(m => m.Version < migration.Version))
        {
            await connection.ExecuteAsync(older.Sql);
        }

        long? parent = null;
        for (var i = 0; i < 5; i++)
        {
            parent = await connection.ExecuteScalarAsync<long>(
                "INSERT INTO state_groups (room_id, parent_id, chain_length) VALUES ('!r:test.local', @parent, @i) RETURNING id",
                new { parent, i });
        }

        await connection.ExecuteScalarAsync<long>(
            "INSERT INTO state_groups (room_id, parent_id, chain_length) VALUES ('!r:test.local', NULL, 0) RETURNING id");

        await connection.ExecuteAsync(migration.Sql);

        var groups = await GroupsAsync(dataSource);
        Assert.Equal(6, groups.Count);
        Assert.All(groups, g => Assert.Equal(g.Walked, g.Ancestors));
        Assert.Equal([groups[3].Id, groups[2].Id, groups[1].Id, groups[0].Id], groups[4].Ancestors);
        Assert.Empty(groups[5].Ancestors);
    }

    [Fact]
    public async Task Keys_of_a_group_read_once_are_served_from_memory_afterwards()
    {
        await using var room = await InputRoom.CreateAsync();
        var sent = await room.LocalAsync("org.test.counter", "a", new JsonObject { ["n"] = 1 });
        var group = (await room.RowAsync(sent.Single().Pdu.EventId)).StateGroup!.Value;
        var present = new TypeAndStateKey("org.test.counter", "a");
        var absent = new TypeAndStateKey("org.test.counter", "b");
        var cache = new StateGroupCache(new InProcessSharedStore());
        await using var connection = await room.DataSource.OpenConnectionAsync();

        var first = await cache.ResolveKeysAsync(connection, group, [present, absent], None);
        await connection.ExecuteAsync("""
            UPDATE state_group_entries SET event_id = '$changed' WHERE state_group = @group;
            INSERT INTO state_group_entries (state_group, type, state_key, event_id)
            VALUES (@group, 'org.test.counter', 'b', '$added');
            """, new { group });
        var again = await cache.ResolveKeysAsync(connection, group, [present, absent], None);

        Assert.Equal(sent.Single().Pdu.EventId, first[present]);
        Assert.False(first.ContainsKey(absent));
        Assert.Equal(first, again);
    }

    private static async Task<List<GroupRow>> GroupsAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<GroupRow>(WalkedAncestorsSql)).ToList();
    }

    private sealed class GroupRow
    {
        public long Id { get; init; }

        public int ChainLength { get; init; }

        public long[] Ancestors { get; init; } = [];

        public long[] Walked { get; init; } = [];
    }
}
