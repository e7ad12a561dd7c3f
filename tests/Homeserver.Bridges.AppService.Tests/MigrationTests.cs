using Dapper;
using Homeserver.Bridges.AppService.Store;
using Homeserver.Bridges.AppService.Tests.Support;

namespace Homeserver.Bridges.AppService.Tests;

public sealed class PostgresMigrationTests() : MigrationTests(DatabaseDialect.Postgres);

public sealed class SqliteMigrationTests() : MigrationTests(DatabaseDialect.Sqlite);

/// <summary>The schema migrator over each kind of database: the SDK's migrations and a bridge's own beside them.</summary>
public abstract class MigrationTests(DatabaseDialect dialect)
{
    private const string BridgeMigrations = "TestMigrations.Bridge.";

    [Fact]
    public async Task Migrations_apply_once_and_again_do_nothing()
    {
        await using var database = AppServiceDatabase.Open(await TestDatabases.NewAsync(dialect));
        var migrator = SchemaMigrator.ForAppServiceStore(database);

        Assert.Equal([1], await migrator.ApplyAsync(CancellationToken.None));
        Assert.Empty(await migrator.ApplyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Migrators_starting_together_on_one_database_apply_each_migration_once()
    {
        var settings = await TestDatabases.NewAsync(dialect);
        var databases = Enumerable.Range(0, 4).Select(_ => AppServiceDatabase.Open(settings)).ToList();
        try
        {
            var applied = await Task.WhenAll(databases.Select(d => Task.Run(() =>
                SchemaMigrator.ForAppServiceStore(d).ApplyAsync(CancellationToken.None))));

            Assert.Equal([1], applied.SelectMany(a => a).ToList());
            await using var connection = await databases[0].DataSource.OpenConnectionAsync();
            Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM appservice_schema_migrations"));
        }
        finally
        {
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_bridges_migrations_keep_their_own_history_and_use_their_dialects_file()
    {
        await using var database = AppServiceDatabase.Open(await TestDatabases.NewAsync(dialect));
        await database.MigrateAsync(CancellationToken.None);
        var bridge = database.Migrator("test_bridge_migrations", typeof(MigrationTests).Assembly, BridgeMigrations);

        Assert.Equal([1, 2], await bridge.ApplyAsync(CancellationToken.None));
        Assert.Empty(await bridge.ApplyAsync(CancellationToken.None));

        await using var connection = await database.DataSource.OpenConnectionAsync();
        Assert.Equal(dialect.ToString().ToLowerInvariant(), await connection.ExecuteScalarAsync<string>("SELECT name FROM test_dialect"));
        Assert.Equal(["0001_widgets", "0002_dialect"],
            await connection.QueryAsync<string>("SELECT name FROM test_bridge_migrations ORDER BY version"));
        Assert.Equal(["0001_appservice_state"], await connection.QueryAsync<string>("SELECT name FROM appservice_schema_migrations"));
    }

    [Fact]
    public async Task Migrator_made_from_the_bare_data_source_finds_its_dialect()
    {
        await using var database = AppServiceDatabase.Open(await TestDatabases.NewAsync(dialect));

        await new SchemaMigrator(database.DataSource, "test_bridge_migrations", typeof(MigrationTests).Assembly, BridgeMigrations)
            .ApplyAsync(CancellationToken.None);

        await using var connection = await database.DataSource.OpenConnectionAsync();
        Assert.Equal(dialect.ToString().ToLowerInvariant(), await connection.ExecuteScalarAsync<string>("SELECT name FROM test_dialect"));
    }

    [Fact]
    public async Task Foreign_keys_are_enforced()
    {
        await using var database = AppServiceDatabase.Open(await TestDatabases.NewAsync(dialect));
        await database.Migrator("test_bridge_migrations", typeof(MigrationTests).Assembly, BridgeMigrations).ApplyAsync(CancellationToken.None);
        await using var connection = await database.DataSource.OpenConnectionAsync();

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => connection.ExecuteAsync(
            "INSERT INTO test_widgets (id, room_id, created_ts) VALUES ('w', '!nowhere:x', 0)"));
    }

    [Fact]
    public async Task A_failing_migration_leaves_no_trace_and_the_next_start_applies_it()
    {
        var settings = await TestDatabases.NewAsync(dialect);
        await using (var database = AppServiceDatabase.Open(settings))
        {
            await using var connection = await database.DataSource.OpenConnectionAsync();
            await connection.ExecuteAsync("CREATE TABLE test_rooms (room_id text PRIMARY KEY)");

            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
                database.Migrator("test_bridge_migrations", typeof(MigrationTests).Assembly, BridgeMigrations).ApplyAsync(CancellationToken.None));
            await connection.ExecuteAsync("DROP TABLE test_rooms");
        }

        await using var again = AppServiceDatabase.Open(settings);
        Assert.Equal([1, 2], await again.Migrator("test_bridge_migrations", typeof(MigrationTests).Assembly, BridgeMigrations)
            .ApplyAsync(CancellationToken.None));
    }
}

/// <summary>Which embedded migration files apply to which dialect.</summary>
public sealed class MigrationResourceTests
{
    [Fact]
    public void Each_dialect_takes_its_own_file_and_the_name_leaves_out_the_suffix()
    {
        var postgres = MigrationResources.Load(typeof(MigrationResourceTests).Assembly, "TestMigrations.Bridge.", DatabaseDialect.Postgres);
        var sqlite = MigrationResources.Load(typeof(MigrationResourceTests).Assembly, "TestMigrations.Bridge.", DatabaseDialect.Sqlite);

        Assert.Equal([(1, "0001_widgets"), (2, "0002_dialect")], postgres.Select(m => (m.Version, m.Name)));
        Assert.Equal(postgres.Select(m => m.Name), sqlite.Select(m => m.Name));
        Assert.Equal(postgres[0].Sql, sqlite[0].Sql);
        Assert.Contains("'postgres'", postgres[1].Sql, StringComparison.Ordinal);
        Assert.Contains("'sqlite'", sqlite[1].Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void A_migration_written_for_the_other_dialect_only_is_refused()
    {
        var load = () => MigrationResources.Load(typeof(MigrationResourceTests).Assembly, "TestMigrations.OnlyPostgres.", DatabaseDialect.Sqlite);

        Assert.Contains("no Sqlite counterpart", Assert.Throws<InvalidOperationException>(load).Message, StringComparison.Ordinal);
        Assert.Single(MigrationResources.Load(typeof(MigrationResourceTests).Assembly, "TestMigrations.OnlyPostgres.", DatabaseDialect.Postgres));
    }

    [Fact]
    public async Task History_table_must_be_a_plain_name()
    {
        await using var database = AppServiceDatabase.Open(TestDatabases.NewSqlite());

        Assert.Throws<ArgumentException>(() => database.Migrator("x; DROP TABLE y", typeof(MigrationResourceTests).Assembly, "TestMigrations.Bridge."));
    }
}
