using Homeserver.Services.Configuration;
using Homeserver.Services.Health;
using Homeserver.Storage.Migrations;
using Homeserver.Storage.Postgres;
using Npgsql;

namespace Homeserver.Host.Hosting;

/// <summary>
/// The server's Postgres: the configured one, or the local cluster under the data directory (started
/// here and stopped on dispose if this process started it). Owns the one <see cref="NpgsqlDataSource"/>.
/// A local cluster this process started is supervised once <see cref="StartSupervision"/> is called: restarted when
/// its postmaster dies. As a liveness check the database fails only when that supervisor gave up; an external
/// database being away is an outage the server rides out (readiness says so), not a reason to restart the process.
/// </summary>
public sealed class Database : ILivenessCheck, IAsyncDisposable
{
    private const string LocalDatabaseName = "homeserver";
    private readonly LocalPostgresCluster? _cluster;
    private LocalClusterSupervisor? _supervisor;

    private Database(NpgsqlDataSource dataSource, SessionConnections sessions, LocalPostgresCluster? cluster)
    {
        DataSource = dataSource;
        Sessions = sessions;
        _cluster = cluster;
        OutageClassifier = new PostgresOutageClassifier(() => _supervisor?.CheckNow());
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Unpooled connections for session state (the migrator's lock, LISTEN), from the same settings.</summary>
    public SessionConnections Sessions { get; }

    /// <summary>Connection failures as 503s; each one also has the supervisor look at the cluster at once.</summary>
    public IOutageClassifier OutageClassifier { get; }

    /// <summary>The supervisor of the local cluster, when this process started it and supervision has started.</summary>
    public LocalClusterSupervisor? Supervisor => _supervisor;

    public string Name => "postgres";

    public string? Failure => _supervisor?.Failure;

    /// <summary>Starts watching the local cluster, if this process started it (a cluster found running is not ours).</summary>
    public void StartSupervision(ILoggerFactory loggerFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        if (_cluster is not { StartedByThisProcess: true } || _supervisor is not null)
        {
            return;
        }

        var supervisor = new LocalClusterSupervisor(_cluster, ClusterRestartPolicy.Default, time,
            loggerFactory.CreateLogger<LocalClusterSupervisor>(), DataSource.Clear);
        supervisor.Start();
        _supervisor = supervisor;
    }

    public static async Task<Database> OpenAsync(HomeserverSettings settings, ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        LocalPostgresCluster? cluster = null;
        string connectionString;
        if (settings.Database.UsesLocalCluster)
        {
            cluster = await LocalPostgresCluster.StartAsync(settings.Database.LocalClusterDirectory, null,
                loggerFactory.CreateLogger<LocalPostgresCluster>(), cancellationToken);
            try
            {
                await cluster.EnsureDatabaseAsync(LocalDatabaseName, cancellationToken);
            }
            catch
            {
                await cluster.StopAsync(CancellationToken.None);
                throw;
            }

            connectionString = cluster.ConnectionString(LocalDatabaseName);
        }
        else
        {
            connectionString = settings.Database.ConnectionString;
        }

        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseLoggerFactory(loggerFactory);
        // The pool's name labels Npgsql's metrics and spans (instead of the connection string).
        builder.Name = "homeserver";
        // The hot statements (event writes, sync reads) repeat constantly: prepared once per connection, Postgres
        // skips parsing and planning them. A connection string's own setting wins.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 256;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }

        // Nothing here changes session state (locks are transaction-scoped; LISTEN and the migrator's session lock
        // use Sessions), so pooled connections need no reset statements before their next use.
        builder.ConnectionStringBuilder.NoResetOnClose = true;

        return new Database(builder.Build(), new SessionConnections(connectionString, loggerFactory), cluster);
    }

    public Task<IReadOnlyList<Migrator.Migration>> MigrateAsync(ILoggerFactory loggerFactory,
        CancellationToken cancellationToken) =>
        new Migrator(Sessions.DataSource, loggerFactory.CreateLogger<Migrator>()).ApplyAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_supervisor is not null)
        {
            await _supervisor.DisposeAsync();
        }

        await DataSource.DisposeAsync();
        await Sessions.DisposeAsync();
        if (_cluster is not null)
        {
            await _cluster.StopAsync(CancellationToken.None);
        }
    }
}
