using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Npgsql;

namespace Homeserver.Storage;

/// <summary>
/// The <c>server_metadata</c> table (migration 0001): key/value facts fixed when the database was first used.
/// </summary>
public sealed class ServerMetadataTable(NpgsqlDataSource dataSource)
{
    private const string ServerNameKey = "server_name";

    private const string InsertIfMissingSql =
        "INSERT INTO server_metadata (key, value) VALUES (@key, @value) ON CONFLICT (key) DO NOTHING";

    private const string SelectSql = "SELECT value FROM server_metadata WHERE key = @key";

    /// <summary>
    /// Records the server name on first start; afterwards refuses a different one, because every user,
    /// room alias and event in the database is named after it.
    /// </summary>
    public async Task EnsureServerNameAsync(ServerName serverName, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertIfMissingSql,
            new { key = ServerNameKey, value = serverName.Value }, cancellationToken: cancellationToken));
        var stored = await connection.QuerySingleAsync<string>(new CommandDefinition(SelectSql,
            new { key = ServerNameKey }, cancellationToken: cancellationToken));
        if (!string.Equals(stored, serverName.Value, StringComparison.Ordinal))
        {
            throw new InvalidSettingException($"{SettingsReader.SectionName}:ServerName",
                $"this database belongs to server '{stored}', not '{serverName.Value}'; " +
                "a server name cannot change once the server has data");
        }
    }

    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(SelectSql,
            new { key }, cancellationToken: cancellationToken));
    }
}
