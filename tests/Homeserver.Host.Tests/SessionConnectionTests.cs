using Homeserver.Host.Hosting;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Configuration;
using Homeserver.Storage.Postgres;
using Homeserver.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Host.Tests;

/// <summary>Session state (the migrator's advisory lock, LISTEN) lives on unpooled connections, never the pool's.</summary>
public sealed class SessionConnectionTests
{
    [Fact]
    public async Task Migrating_leaves_no_session_and_no_advisory_lock_behind()
    {
        using var data = new TempDirectory();
        var connectionString = await (await TestPostgres.SharedAsync()).CreateDatabaseAsync();
        var settings = SettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?>
            {
                ["Homeserver:DataDirectory"] = data.Path,
                ["Homeserver:Database:ConnectionString"] = connectionString,
            }).Build(), data.Path);
        await using var database = await Database.OpenAsync(settings, NullLoggerFactory.Instance, CancellationToken.None);

        Assert.NotEmpty(await database.MigrateAsync(NullLoggerFactory.Instance, CancellationToken.None));

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // A pooled connection would stay open (idle in the pool), holding whatever its session took. A closed
        // session's backend leaves pg_stat_activity a moment after the client hangs up, hence the polling.
        await Eventually.HoldsAsync(async () => await ScalarAsync(connection, """
            SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
            """) == 0, "the migrator's session has ended", TimeSpan.FromSeconds(5));
        Assert.Equal(0L, await ScalarAsync(connection, """
            SELECT count(*) FROM pg_locks
            WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """));
    }

    [Fact]
    public async Task The_token_revocation_listener_listens_on_an_unpooled_session_connection()
    {
        await using var server = await LiveServer.StartAsync();
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();

        await using var command = new NpgsqlCommand("""
            SELECT application_name FROM pg_stat_activity
            WHERE datname = current_database() AND query LIKE 'LISTEN%'
            """, connection);
        var names = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        Assert.Equal([SessionConnections.ApplicationName], names);
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
