namespace Homeserver.Bridges.AppService;

/// <summary>
/// Which database an appservice uses: Postgres when <paramref name="ConnectionString"/> is set, otherwise the SQLite
/// file <c>&lt;DataDirectory&gt;/&lt;Name&gt;.db</c> (created with its directory on first start).
/// </summary>
public sealed record AppServiceDatabaseSettings(string ConnectionString, string DataDirectory, string Name)
{
    public DatabaseDialect Dialect => string.IsNullOrWhiteSpace(ConnectionString) ? DatabaseDialect.Sqlite : DatabaseDialect.Postgres;

    public string SqliteFile => Path.GetFullPath(Path.Combine(DataDirectory, Name + ".db"));

    public static AppServiceDatabaseSettings Postgres(string connectionString) => new(connectionString, Environment.CurrentDirectory, "appservice");

    /// <summary>
    /// <c>&lt;per-user data directory&gt;/&lt;name&gt;</c> ($XDG_DATA_HOME or ~/.local/share on Linux), or the working
    /// directory when the user has none (a service account without a home).
    /// </summary>
    public static string DefaultDataDirectory(string name)
    {
        var perUser = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return string.IsNullOrEmpty(perUser) ? Environment.CurrentDirectory : Path.Combine(perUser, name);
    }
}
