namespace Homeserver.Bridges.AppService;

/// <summary>Which SQL an <see cref="AppServiceDatabase"/> speaks, for the few statements that cannot be written once.</summary>
public enum DatabaseDialect
{
    Postgres,
    Sqlite,
}
