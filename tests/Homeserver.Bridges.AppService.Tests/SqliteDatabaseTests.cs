using Dapper;
using Homeserver.Bridges.AppService.Store;
using Homeserver.Bridges.AppService.Tests.Support;
using Homeserver.Testing;

namespace Homeserver.Bridges.AppService.Tests;

/// <summary>The SQLite file as the SDK opens it: created on demand, WAL, foreign keys, writers taking turns.</summary>
public sealed class SqliteDatabaseTests
{
    [Fact]
    public async Task File_and_its_directory_are_created_in_WAL_mode_with_foreign_keys_on()
    {
        var settings = TestDatabases.NewSqlite();
        Assert.False(Directory.Exists(settings.DataDirectory));

        await using var database = AppServiceDatabase.Open(settings);
        await using var connection = await database.DataSource.OpenConnectionAsync();

        Assert.Equal(DatabaseDialect.Sqlite, database.Dialect);
        Assert.True(File.Exists(Path.Combine(settings.DataDirectory, "appservice.db")));
        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("PRAGMA foreign_keys"));
        Assert.Equal((int)SqliteDataSource.BusyTimeout.TotalMilliseconds, await connection.ExecuteScalarAsync<int>("PRAGMA busy_timeout"));
    }

    [Fact]
    public async Task Writers_on_several_connections_to_one_file_take_turns_instead_of_failing_busy()
    {
        var settings = TestDatabases.NewSqlite();
        var databases = Enumerable.Range(0, 4).Select(_ => AppServiceDatabase.Open(settings)).ToList();
        try
        {
            await databases[0].MigrateAsync(CancellationToken.None);
            var writes = databases.SelectMany((database, d) => Enumerable.Range(0, 25).Select(i => Task.Run(async () =>
            {
                var mappings = new SqlMappingStore(database.DataSource, new ManualClock());
                var log = new SqlTransactionLog(database.DataSource, new ManualClock());
                Assert.True(await mappings.TryAddAsync(new Mapping("message", $"{d}-{i}", "", $"${d}-{i}", "!r:x"), CancellationToken.None));
                await log.StartAsync($"{d}-{i}", CancellationToken.None);
                await log.CompleteAsync($"{d}-{i}", CancellationToken.None);
            })));

            await Task.WhenAll(writes);

            await using var connection = await databases[0].DataSource.OpenConnectionAsync();
            Assert.Equal(100, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM appservice_mappings"));
            Assert.Equal(100, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM appservice_transactions WHERE completed"));
        }
        finally
        {
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }
        }
    }
}
