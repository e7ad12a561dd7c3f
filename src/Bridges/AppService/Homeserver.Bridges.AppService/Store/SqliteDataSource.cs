using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Homeserver.Bridges.AppService.Store;

/// <summary>
/// Connections to one SQLite file, each set up for several writers (threads or processes) taking turns: WAL journal
/// (readers never block the writer), foreign keys enforced, and a busy timeout so a writer waits for the file lock
/// instead of failing with SQLITE_BUSY.
/// </summary>
public sealed class SqliteDataSource : DbDataSource
{
    /// <summary>How long a statement waits for another connection's write lock before failing.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    // journal_mode=WAL is stored in the file, so setting it on the first connection is enough; synchronous=NORMAL
    // is WAL's usual pairing (a power cut may lose the last commits, never corrupt the file).
    private static readonly string WalSql = "PRAGMA journal_mode = WAL";
    private static readonly string PerConnectionSql =
        $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL";

    private readonly string _connectionString;
    private volatile bool _walSet;

    public SqliteDataSource(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
    }

    /// <summary>The database file's full path.</summary>
    public string Path { get; }

    public override string ConnectionString => _connectionString;

    protected override DbConnection CreateDbConnection() => new SqliteConnection(_connectionString);

    protected override DbConnection OpenDbConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            Prepare(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    // Microsoft.Data.Sqlite does its I/O synchronously; the async path is the same work.
    protected override ValueTask<DbConnection> OpenDbConnectionAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(OpenDbConnection());
    }

    // Pooled connections would otherwise hold the file open after the data source is disposed.
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ClearPool();
        }

        base.Dispose(disposing);
    }

    protected override ValueTask DisposeAsyncCore()
    {
        ClearPool();
        return base.DisposeAsyncCore();
    }

    private void ClearPool()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private void Prepare(SqliteConnection connection)
    {
        Execute(connection, PerConnectionSql);
        if (!_walSet)
        {
            Execute(connection, WalSql);
            _walSet = true;
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
