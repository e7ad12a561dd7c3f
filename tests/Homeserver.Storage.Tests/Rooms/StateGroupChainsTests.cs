using System.Collections.Immutable;
using Dapper;
using Homeserver.Core.Events;
using Homeserver.Storage.Rooms;
using Npgsql;

namespace Homeserver.Storage.Tests.Rooms;

/// <summary>Chain lengths of state groups are remembered per writer and only for groups that were committed.</summary>
public sealed class StateGroupChainsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_group_from_a_rolled_back_transaction_leaves_no_chain_length_behind()
    {
        await using var dataSource = NpgsqlDataSource.Create(await WriterRoom.MigratedDatabaseAsync());
        await using var connection = await dataSource.OpenConnectionAsync();
        var chains = new StateGroupChains();
        var root = await CreateCommittedAsync(connection, chains, parent: null);

        long rolledBack;
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var scope = chains.Begin();
            rolledBack = await StateGroups.CreateAsync(connection, transaction, scope, "!r:test.local", root,
                [Name("$name2")], State("$name2"), None);
            Assert.True(scope.TryGet(rolledBack, out var seenInside)); // the transaction itself sees its group
            Assert.Equal(1, seenInside);
            await transaction.RollbackAsync();
        }

        Assert.False(chains.TryGet(rolledBack, out _));
        Assert.True(chains.TryGet(root, out var rootLength));
        Assert.Equal(0, rootLength);
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM state_groups WHERE id = @rolledBack", new { rolledBack }));
    }

    [Fact]
    public async Task Chain_lengths_belong_to_one_writer_not_the_process()
    {
        await using var dataSource = NpgsqlDataSource.Create(await WriterRoom.MigratedDatabaseAsync());
        await using var connection = await dataSource.OpenConnectionAsync();
        var mine = new StateGroupChains();
        var root = await CreateCommittedAsync(connection, mine, parent: null);
        var child = await CreateCommittedAsync(connection, mine, root);

        Assert.True(mine.TryGet(child, out var length));
        Assert.Equal(1, length);
        Assert.False(new StateGroupChains().TryGet(child, out _)); // another database's writer knows nothing of it
    }

    private static async Task<long> CreateCommittedAsync(NpgsqlConnection connection, StateGroupChains chains,
        long? parent)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        var scope = chains.Begin();
        var group = await StateGroups.CreateAsync(connection, transaction, scope, "!r:test.local", parent,
            [Name("$name1")], State("$name1"), None);
        await transaction.CommitAsync();
        scope.Commit();
        return group;
    }

    private static Pdu Name(string eventId) => Pdu.FromTrusted("""
        {"type":"m.room.name","state_key":"","sender":"@a:test.local","room_id":"!r:test.local",
         "content":{"name":"n"},"origin_server_ts":1,"depth":1,"prev_events":[],"auth_events":[]}
        """, RoomVersions.V12, eventId);

    private static ImmutableDictionary<TypeAndStateKey, Pdu> State(string eventId) =>
        ImmutableDictionary<TypeAndStateKey, Pdu>.Empty.Add(new TypeAndStateKey("m.room.name", ""), Name(eventId));
}
