using System.Diagnostics;
using System.Globalization;
using Homeserver.Storage.Postgres;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Storage.Tests;

/// <summary>The real restart path: a postmaster killed with SIGKILL leaves a stale postmaster.pid (and a zombie until reaped).</summary>
public sealed class LocalClusterRestartTests
{
    [Fact]
    public async Task A_killed_postmaster_is_seen_dead_and_restarted_with_its_data()
    {
        using var directory = new TempDirectory();
        await using var cluster = await LocalPostgresCluster.StartAsync(Path.Combine(directory.Path, "pg"), null,
            NullLogger.Instance, CancellationToken.None);
        await ExecuteAsync(cluster, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('committed')");
        Assert.True(cluster.IsRunning());
        var restarted = 0;
        await using var supervisor = new LocalClusterSupervisor(cluster,
            new ClusterRestartPolicy(TimeSpan.FromHours(1), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2), 100),
            TimeProvider.System, NullLogger.Instance, () => Interlocked.Increment(ref restarted));
        supervisor.Start();

        var pidFile = Path.Combine(cluster.Directory, "data", "postmaster.pid");
        var postmaster = ReadPid(pidFile);
        using (var process = Process.GetProcessById(postmaster))
        {
            process.Kill();
        }

        await Eventually.HoldsAsync(() => Task.FromResult(!cluster.IsRunning()), "the killed postmaster counts as dead");
        supervisor.CheckNow(); // the hour-long interval never comes: only this wakes it
        await Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref restarted) == 1), "the cluster is restarted",
            TimeSpan.FromSeconds(120));

        Assert.True(cluster.IsRunning());
        Assert.NotEqual(postmaster, ReadPid(pidFile));
        Assert.Equal("committed", await QueryAsync(cluster, "SELECT value FROM kept"));
        Assert.Null(supervisor.Failure);
    }

    private static int ReadPid(string pidFile) =>
        int.Parse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture);

    private static async Task ExecuteAsync(LocalPostgresCluster cluster, string sql)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string?> QueryAsync(LocalPostgresCluster cluster, string sql)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }
}
