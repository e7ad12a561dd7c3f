using Homeserver.Storage.Postgres;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Storage.Tests;

public sealed class LocalPostgresClusterTests
{
    [Fact]
    public async Task A_cluster_is_created_once_reused_while_running_and_keeps_data_across_a_restart()
    {
        using var directory = new TempDirectory();
        var clusterDirectory = Path.Combine(directory.Path, "postgres");

        var first = await LocalPostgresCluster.StartAsync(clusterDirectory, null, NullLogger.Instance, CancellationToken.None);
        await first.EnsureDatabaseAsync("homeserver", CancellationToken.None);
        await ExecuteAsync(first, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('hello')");

        // A second start while it runs reuses it and, not having started it, does not stop it.
        var second = await LocalPostgresCluster.StartAsync(clusterDirectory, null, NullLogger.Instance, CancellationToken.None);
        await second.StopAsync(CancellationToken.None);
        Assert.Equal("hello", await QueryAsync(first, "SELECT value FROM kept"));

        await first.StopAsync(CancellationToken.None);
        await Assert.ThrowsAnyAsync<Exception>(() => QueryAsync(first, "SELECT 1"));

        var third = await LocalPostgresCluster.StartAsync(clusterDirectory, null, NullLogger.Instance, CancellationToken.None);
        try
        {
            await third.EnsureDatabaseAsync("homeserver", CancellationToken.None);
            Assert.Equal("hello", await QueryAsync(third, "SELECT value FROM kept"));
        }
        finally
        {
            await third.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_cluster_listens_on_no_tcp_port()
    {
        using var directory = new TempDirectory();
        await using var cluster = await LocalPostgresCluster.StartAsync(Path.Combine(directory.Path, "pg"), null,
            NullLogger.Instance, CancellationToken.None);

        Assert.Equal("", await QueryAsync(cluster, "SHOW listen_addresses", "postgres"));
        Assert.True(File.Exists(Path.Combine(cluster.SocketDirectory, ".s.PGSQL.5432")));
    }

    [Fact]
    public async Task A_long_directory_path_puts_the_socket_somewhere_short()
    {
        using var directory = new TempDirectory();
        var deep = Path.Combine(directory.Path, new string('d', 60), new string('e', 60), "postgres");
        await using var cluster = await LocalPostgresCluster.StartAsync(deep, null, NullLogger.Instance, CancellationToken.None);

        Assert.NotEqual(deep, cluster.SocketDirectory);
        Assert.Equal("1", await QueryAsync(cluster, "SELECT 1::text", "postgres"));
    }

    private static async Task ExecuteAsync(LocalPostgresCluster cluster, string sql)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString("homeserver"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string?> QueryAsync(LocalPostgresCluster cluster, string sql, string database = "homeserver")
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }
}
