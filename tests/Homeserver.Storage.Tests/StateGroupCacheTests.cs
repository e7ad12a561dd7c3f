using Dapper;
using Homeserver.Core.Events;
using Homeserver.Services.Shared;
using Homeserver.Storage.Migrations;
using Homeserver.Storage.Redis;
using Homeserver.Storage.Rooms;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Storage.Tests;

public sealed class StateGroupCacheTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TypeAndStateKey Name = new("m.room.name", "");

    [Fact]
    public async Task A_resolved_group_is_served_from_memory_afterwards()
    {
        await using var dataSource = await MigratedAsync();
        await using var connection = await dataSource.OpenConnectionAsync();
        var group = await CreateGroupAsync(connection);
        var cache = new StateGroupCache(new InProcessSharedStore());

        Assert.Equal("$name", (await cache.ResolveAsync(connection, group, None))[Name]);
        await DeleteGroupAsync(connection, group);

        Assert.Equal("$name", (await cache.ResolveAsync(connection, group, None))[Name]);
        Assert.Equal("$name", (await cache.ResolveKeysAsync(connection, group, [Name], None))[Name]);
    }

    [Fact]
    public async Task A_group_resolved_by_one_process_is_served_to_another_through_redis()
    {
        await using var dataSource = await MigratedAsync();
        await using var redis = await TestRedis.StartAsync();
        using var storeA = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        using var storeB = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        await using var connection = await dataSource.OpenConnectionAsync();
        var group = await CreateGroupAsync(connection);

        await new StateGroupCache(storeA).ResolveAsync(connection, group, None);
        await DeleteGroupAsync(connection, group);

        var state = await new StateGroupCache(storeB).ResolveAsync(connection, group, None);
        Assert.Equal("$name", state[Name]);
        Assert.Equal("$create", state[new TypeAndStateKey("m.room.create", "")]);
    }

    private static async Task<NpgsqlDataSource> MigratedAsync()
    {
        var dataSource = NpgsqlDataSource.Create(await (await TestPostgres.SharedAsync()).CreateDatabaseAsync());
        await new Migrator(dataSource, NullLogger<Migrator>.Instance).ApplyAsync(None);
        return dataSource;
    }

    private static async Task<long> CreateGroupAsync(NpgsqlConnection connection)
    {
        var group = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO state_groups (room_id, chain_length) VALUES ('!r:test.local', 0) RETURNING id");
        await connection.ExecuteAsync("""
            INSERT INTO state_group_entries (state_group, type, state_key, event_id)
            VALUES (@group, 'm.room.create', '', '$create'), (@group, 'm.room.name', '', '$name')
            """, new { group });
        return group;
    }

    private static async Task DeleteGroupAsync(NpgsqlConnection connection, long group) =>
        await connection.ExecuteAsync("""
            DELETE FROM state_group_entries WHERE state_group = @group;
            DELETE FROM state_groups WHERE id = @group;
            """, new { group });
}
