using Dapper;
using Homeserver.Storage.Migrations;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Storage.Tests;

public sealed class MigratorTests
{
    [Fact]
    public async Task Migrations_apply_in_order_and_are_recorded()
    {
        await using var dataSource = NpgsqlDataSource.Create(await (await TestPostgres.SharedAsync()).CreateDatabaseAsync());

        var applied = await new Migrator(dataSource, NullLogger<Migrator>.Instance).ApplyAsync(CancellationToken.None);

        Assert.Equal(Migrator.Known.Select(m => m.Version), applied.Select(m => m.Version));
        await using var connection = await dataSource.OpenConnectionAsync();
        var recorded = await connection.QueryAsync<int>("SELECT version FROM schema_migrations ORDER BY version");
        Assert.Equal(Migrator.Known.Select(m => m.Version), recorded);
    }

    [Fact]
    public async Task A_second_run_applies_nothing()
    {
        await using var dataSource = NpgsqlDataSource.Create(await (await TestPostgres.SharedAsync()).CreateDatabaseAsync());
        var migrator = new Migrator(dataSource, NullLogger<Migrator>.Instance);
        await migrator.ApplyAsync(CancellationToken.None);

        Assert.Empty(await migrator.ApplyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Racing_migrators_apply_each_migration_exactly_once()
    {
        var connectionString = await (await TestPostgres.SharedAsync()).CreateDatabaseAsync();
        var dataSources = Enumerable.Range(0, 4).Select(_ => NpgsqlDataSource.Create(connectionString)).ToList();
        try
        {
            // The migrations are plain CREATE TABLEs: a second application would fail, not pass silently.
            using var start = new ManualResetEventSlim();
            var runs = dataSources.Select(ds => Task.Run(async () =>
            {
                start.Wait();
                return await new Migrator(ds, NullLogger<Migrator>.Instance).ApplyAsync(CancellationToken.None);
            })).ToList();
            start.Set();
            var results = await Task.WhenAll(runs);

            Assert.Equal(Migrator.Known.Count, results.Sum(r => r.Count));
            await using var connection = await dataSources[0].OpenConnectionAsync();
            var rows = await connection.QuerySingleAsync<long>("SELECT count(*) FROM schema_migrations");
            Assert.Equal(Migrator.Known.Count, rows);
        }
        finally
        {
            foreach (var ds in dataSources)
            {
                await ds.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_database_with_a_newer_schema_is_refused()
    {
        await using var dataSource = NpgsqlDataSource.Create(await (await TestPostgres.SharedAsync()).CreateDatabaseAsync());
        var migrator = new Migrator(dataSource, NullLogger<Migrator>.Instance);
        await migrator.ApplyAsync(CancellationToken.None);
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("INSERT INTO schema_migrations (version, name) VALUES (99999, 'future')");
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => migrator.ApplyAsync(CancellationToken.None));
        Assert.Contains("99999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Known_migrations_are_numbered_without_gaps_from_one()
    {
        Assert.Equal(Enumerable.Range(1, Migrator.Known.Count), Migrator.Known.Select(m => m.Version));
    }
}
