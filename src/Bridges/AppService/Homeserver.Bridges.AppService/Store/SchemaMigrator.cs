using System.Globalization;
using System.Reflection;
using Dapper;
using Npgsql;

namespace Homeserver.Bridges.AppService.Store;

/// <summary>
/// Applies numbered <c>NNNN_name.sql</c> resources embedded in an assembly, each once and in its own transaction,
/// recorded in a table of their own (so the SDK's migrations and a bridge's live side by side in one database).
/// A session advisory lock keyed on that table's name makes processes starting together take turns.
/// </summary>
public sealed class SchemaMigrator(NpgsqlDataSource dataSource, string historyTable, Assembly assembly, string resourcePrefix)
{
    /// <summary>The SDK's own migrations.</summary>
    public static SchemaMigrator ForAppServiceStore(NpgsqlDataSource dataSource) => new(dataSource,
        "appservice_schema_migrations", typeof(SchemaMigrator).Assembly, "Homeserver.Bridges.AppService.Store.Migrations.");

    /// <returns>the versions applied by this call.</returns>
    public async Task<IReadOnlyList<int>> ApplyAsync(CancellationToken cancellationToken)
    {
        var migrations = Load();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var lockKey = new CommandDefinition("SELECT pg_advisory_lock(hashtextextended(@historyTable, 0))",
            new { historyTable }, cancellationToken: cancellationToken);
        await connection.ExecuteAsync(lockKey);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"CREATE TABLE IF NOT EXISTS {historyTable} (version integer PRIMARY KEY, name text NOT NULL, applied_ts timestamptz NOT NULL DEFAULT now())",
                cancellationToken: cancellationToken));
            var applied = (await connection.QueryAsync<int>(new CommandDefinition(
                $"SELECT version FROM {historyTable}", cancellationToken: cancellationToken))).ToHashSet();
            var done = new List<int>();
            foreach (var (version, name, sql) in migrations.Where(m => !applied.Contains(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    $"INSERT INTO {historyTable} (version, name) VALUES (@version, @name)", new { version, name }, transaction,
                    cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                done.Add(version);
            }

            return done;
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(hashtextextended(@historyTable, 0))",
                new { historyTable }, cancellationToken: CancellationToken.None));
        }
    }

    private List<(int Version, string Name, string Sql)> Load()
    {
        var found = new List<(int Version, string Name, string Sql)>();
        foreach (var resource in assembly.GetManifestResourceNames()
                     .Where(n => n.StartsWith(resourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var name = resource[resourcePrefix.Length..^".sql".Length];
            var underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(name[..underscore], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration '{resource}' is not named NNNN_description.sql");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            found.Add((version, name, reader.ReadToEnd()));
        }

        found.Sort((a, b) => a.Version.CompareTo(b.Version));
        return found;
    }
}
