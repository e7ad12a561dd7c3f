using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Homeserver.Bridges.AppService.Store;

/// <summary>
/// Applies numbered migrations embedded in an assembly, each once, recorded in a history table of their own (so the
/// SDK's migrations and a bridge's live side by side in one database). A migration is <c>NNNN_name.sql</c> when its
/// SQL is portable, or a pair <c>NNNN_name.postgres.sql</c> + <c>NNNN_name.sqlite.sql</c> when it is not (a
/// dialect's own file wins over the shared one). Migrators starting together take turns: on Postgres through a
/// session advisory lock keyed on the history table's name, each migration in its own transaction; on SQLite all
/// pending migrations run in one <c>BEGIN IMMEDIATE</c> transaction, which holds the file's write lock.
/// </summary>
public sealed partial class SchemaMigrator
{
    private readonly DbDataSource _dataSource;
    private readonly DatabaseDialect _dialect;
    private readonly string _historyTable;
    private readonly Assembly _assembly;
    private readonly string _resourcePrefix;

    public SchemaMigrator(AppServiceDatabase database, string historyTable, Assembly assembly, string resourcePrefix)
        : this(database.DataSource, database.Dialect, historyTable, assembly, resourcePrefix)
    {
    }

    /// <summary>A migrator over <paramref name="dataSource"/>: SQLite for a <see cref="SqliteDataSource"/>, else Postgres.</summary>
    public SchemaMigrator(DbDataSource dataSource, string historyTable, Assembly assembly, string resourcePrefix)
        : this(dataSource, dataSource is SqliteDataSource ? DatabaseDialect.Sqlite : DatabaseDialect.Postgres, historyTable, assembly,
            resourcePrefix)
    {
    }

    private SchemaMigrator(DbDataSource dataSource, DatabaseDialect dialect, string historyTable, Assembly assembly, string resourcePrefix)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(assembly);
        if (!Identifier().IsMatch(historyTable ?? ""))
        {
            throw new ArgumentException($"'{historyTable}' is not a plain table name", nameof(historyTable));
        }

        _dataSource = dataSource;
        _dialect = dialect;
        _historyTable = historyTable!;
        _assembly = assembly;
        _resourcePrefix = resourcePrefix;
    }

    /// <summary>The SDK's own migrations.</summary>
    public static SchemaMigrator ForAppServiceStore(AppServiceDatabase database) => new(database,
        "appservice_schema_migrations", typeof(SchemaMigrator).Assembly, "Homeserver.Bridges.AppService.Store.Migrations.");

    /// <returns>the versions applied by this call.</returns>
    public async Task<IReadOnlyList<int>> ApplyAsync(CancellationToken cancellationToken)
    {
        var migrations = MigrationResources.Load(_assembly, _resourcePrefix, _dialect);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return _dialect == DatabaseDialect.Postgres
            ? await ApplyOnPostgresAsync(connection, migrations, cancellationToken)
            : await ApplyOnSqliteAsync((SqliteConnection)connection, migrations, cancellationToken);
    }

    private async Task<IReadOnlyList<int>> ApplyOnPostgresAsync(DbConnection connection, IReadOnlyList<Migration> migrations,
        CancellationToken cancellationToken)
    {
        var lockKey = new { historyTable = _historyTable };
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(hashtextextended(@historyTable, 0))",
            lockKey, cancellationToken: cancellationToken));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"CREATE TABLE IF NOT EXISTS {_historyTable} (version integer PRIMARY KEY, name text NOT NULL, applied_ts timestamptz NOT NULL DEFAULT now())",
                cancellationToken: cancellationToken));
            var applied = await AppliedAsync(connection, null, cancellationToken);
            var done = new List<int>();
            foreach (var migration in migrations.Where(m => !applied.Contains(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await RunAsync(connection, transaction, migration, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                done.Add(migration.Version);
            }

            return done;
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(hashtextextended(@historyTable, 0))",
                lockKey, cancellationToken: CancellationToken.None));
        }
    }

    private async Task<IReadOnlyList<int>> ApplyOnSqliteAsync(SqliteConnection connection, IReadOnlyList<Migration> migrations,
        CancellationToken cancellationToken)
    {
        // Not deferred: BEGIN IMMEDIATE takes the write lock now (waiting out the busy timeout for another migrator),
        // so the history read below cannot go stale before this migrator writes. Microsoft.Data.Sqlite's async
        // variant is this same synchronous call, without the choice.
#pragma warning disable CA1849
        await using var transaction = connection.BeginTransaction(deferred: false);
#pragma warning restore CA1849
        await connection.ExecuteAsync(new CommandDefinition(
            $"CREATE TABLE IF NOT EXISTS {_historyTable} (version integer PRIMARY KEY, name text NOT NULL, applied_ts text NOT NULL DEFAULT CURRENT_TIMESTAMP)",
            transaction: transaction, cancellationToken: cancellationToken));
        var applied = await AppliedAsync(connection, transaction, cancellationToken);
        var done = new List<int>();
        foreach (var migration in migrations.Where(m => !applied.Contains(m.Version)))
        {
            await RunAsync(connection, transaction, migration, cancellationToken);
            done.Add(migration.Version);
        }

        await transaction.CommitAsync(cancellationToken);
        return done;
    }

    private async Task<HashSet<int>> AppliedAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<int>(new CommandDefinition($"SELECT version FROM {_historyTable}", transaction: transaction,
            cancellationToken: cancellationToken))).ToHashSet();

    private async Task RunAsync(DbConnection connection, DbTransaction transaction, Migration migration, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition($"INSERT INTO {_historyTable} (version, name) VALUES (@Version, @Name)",
            new { migration.Version, migration.Name }, transaction, cancellationToken: cancellationToken));
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex Identifier();
}
