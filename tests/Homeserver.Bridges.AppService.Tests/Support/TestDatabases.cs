using Homeserver.Testing;

namespace Homeserver.Bridges.AppService.Tests.Support;

/// <summary>
/// Fresh, empty appservice databases of either kind: a new database on the shared throwaway Postgres, or a SQLite file
/// in a new directory under one temporary directory per test run (removed when the run ends).
/// </summary>
public static class TestDatabases
{
    private static readonly Lazy<TempDirectory> SqliteRoot = new(() =>
    {
        var root = new TempDirectory("as-sqlite-");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => root.Dispose();
        return root;
    });

    public static async Task<AppServiceDatabaseSettings> NewAsync(DatabaseDialect dialect) => dialect switch
    {
        DatabaseDialect.Postgres => AppServiceDatabaseSettings.Postgres(await (await TestPostgres.SharedAsync()).CreateDatabaseAsync()),
        _ => NewSqlite(),
    };

    /// <summary>Settings naming a SQLite file that does not exist yet, in a directory that does not exist yet.</summary>
    public static AppServiceDatabaseSettings NewSqlite() =>
        new("", Path.Combine(SqliteRoot.Value.Path, Guid.NewGuid().ToString("N")[..12]), "appservice");
}
