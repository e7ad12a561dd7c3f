using System.Data.Common;
using System.Reflection;
using Homeserver.Bridges.AppService.Store;
using Npgsql;

namespace Homeserver.Bridges.AppService;

/// <summary>
/// The appservice's own database, Postgres or a SQLite file (one data source either way), and bringing its schema up
/// to date. Stores open connections from <see cref="DataSource"/> and write portable SQL through Dapper;
/// <see cref="Dialect"/> tells them apart where SQL must differ.
/// </summary>
public sealed class AppServiceDatabase(DbDataSource dataSource, DatabaseDialect dialect) : IAsyncDisposable
{
    /// <summary>A Postgres database (as before SQLite came; <see cref="Open"/> chooses by settings).</summary>
    public AppServiceDatabase(string postgresConnectionString)
        : this(NpgsqlDataSource.Create(postgresConnectionString), DatabaseDialect.Postgres)
    {
    }

    /// <summary>An <see cref="NpgsqlDataSource"/> or a <see cref="SqliteDataSource"/>.</summary>
    public DbDataSource DataSource { get; } = dataSource;

    public DatabaseDialect Dialect { get; } = dialect;

    /// <summary>Postgres when <see cref="AppServiceDatabaseSettings.ConnectionString"/> is set, else the SQLite file.</summary>
    public static AppServiceDatabase Open(AppServiceDatabaseSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Dialect == DatabaseDialect.Postgres ? Postgres(settings.ConnectionString) : Sqlite(settings.SqliteFile);
    }

    public static AppServiceDatabase Postgres(string connectionString) => new(connectionString);

    /// <summary>The SQLite database in <paramref name="path"/>, creating its directory (and on first use the file).</summary>
    public static AppServiceDatabase Sqlite(string path)
    {
        var dataSource = new SqliteDataSource(path);
        Directory.CreateDirectory(Path.GetDirectoryName(dataSource.Path)!);
        return new AppServiceDatabase(dataSource, DatabaseDialect.Sqlite);
    }

    /// <summary>A migrator for a bridge's own migrations, recorded in <paramref name="historyTable"/>.</summary>
    public SchemaMigrator Migrator(string historyTable, Assembly assembly, string resourcePrefix) =>
        new(this, historyTable, assembly, resourcePrefix);

    /// <summary>Applies the SDK's migrations (bridges apply theirs with their own <see cref="Migrator"/>).</summary>
    public Task MigrateAsync(CancellationToken cancellationToken) =>
        SchemaMigrator.ForAppServiceStore(this).ApplyAsync(cancellationToken);

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
