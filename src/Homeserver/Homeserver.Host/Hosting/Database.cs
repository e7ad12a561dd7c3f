using Homeserver.Services.Configuration;
using Homeserver.Storage.Migrations;
using Homeserver.Storage.Postgres;
using Npgsql;

namespace Homeserver.Host.Hosting;

/// <summary>
/// The server's Postgres: the configured one, or the local cluster under the data directory (started
/// here and stopped on dispose if this process started it). Owns the one <see cref="NpgsqlDataSource"/>.
/// </summary>
public sealed class Database : IAsyncDisposable
{
    private const string LocalDatabaseName = "homeserver";
    private readonly LocalPostgresCluster? _cluster;

    private Database(NpgsqlDataSource dataSource, SessionConnections sessions, LocalPostgresCluster? cluster)
    {
        DataSource = dataSource;
        Sessions = sessions;
        _cluster = cluster;
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Unpooled connections for session state (the migrator's lock, LISTEN), from the same settings.</summary>
    public SessionConnections Sessions { get; }

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
        await DataSource.DisposeAsync();
        await Sessions.DisposeAsync();
        if (_cluster is not null)
        {
            await _cluster.StopAsync(CancellationToken.None);
        }
    }
}
