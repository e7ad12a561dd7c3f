using Homeserver.Storage.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Testing;

/// <summary>
/// One Postgres server per test run: an existing one named by HOMESERVER_TEST_PG (a connection string
/// with rights to create databases), or a throwaway cluster made with the server's own
/// <see cref="LocalPostgresCluster"/> code from Debian's binaries. Each test takes a fresh database.
/// There is no skipping: without a Postgres the tests fail, on CI and off it.
/// </summary>
public sealed class TestPostgres
{
    private static readonly Lazy<Task<TestPostgres>> Instance = new(StartAsync);
    private readonly string _adminConnectionString;
    private int _databases;

    private TestPostgres(string adminConnectionString) => _adminConnectionString = adminConnectionString;

    public static Task<TestPostgres> SharedAsync() => Instance.Value;

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"test_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..6]}";
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name }.ConnectionString;
    }

    private static async Task<TestPostgres> StartAsync()
    {
        var existing = Environment.GetEnvironmentVariable("HOMESERVER_TEST_PG");
        if (!string.IsNullOrWhiteSpace(existing))
        {
            return new TestPostgres(existing);
        }

        SweepStaleClusters();
        var directory = new TempDirectory("hs-test-pg-");
        var settings = new Dictionary<string, string>
        {
            // Throwaway data: durability buys nothing here and costs seconds.
            ["fsync"] = "off",
            ["synchronous_commit"] = "off",
            ["full_page_writes"] = "off",
        };
        var cluster = await LocalPostgresCluster.StartAsync(Path.Combine(directory.Path, "cluster"), settings,
            NullLogger.Instance, CancellationToken.None);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            cluster.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
            directory.Dispose();
        };
        return new TestPostgres(cluster.ConnectionString("postgres"));
    }

    /// <summary>
    /// Deletes the clusters of earlier runs whose cleanup did not happen (a test host killed before its exit
    /// handlers ran): older than an hour and with no live postmaster. Each run leaves ~1 GB otherwise.
    /// </summary>
    private static void SweepStaleClusters()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), "hs-test-pg-*"))
        {
            try
            {
                if (Directory.GetLastWriteTimeUtc(directory) > DateTime.UtcNow.AddHours(-1) ||
                    PostmasterAlive(Path.Combine(directory, "cluster", "data", "postmaster.pid")))
                {
                    continue;
                }

                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // In use or already gone: the next run tries again.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static bool PostmasterAlive(string pidFile)
    {
        if (!File.Exists(pidFile))
        {
            return false;
        }

        var firstLine = File.ReadLines(pidFile).FirstOrDefault();
        return int.TryParse(firstLine, out var pid) && Directory.Exists($"/proc/{pid}");
    }
}
