using System.Globalization;
using System.Reflection;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Homeserver.Storage.Migrations;

/// <summary>
/// Applies the numbered .sql files embedded in this assembly, in order, each in its own transaction, and
/// records them in <c>schema_migrations</c>. A session advisory lock makes processes that start at the
/// same time take turns, so each migration runs exactly once. The lock is session state: the server gives this an
/// unpooled data source (<see cref="Postgres.SessionConnections"/>), so the lock ends with the session even if
/// the unlock fails.
/// </summary>
public sealed partial class Migrator(NpgsqlDataSource dataSource, ILogger<Migrator> logger)
{
    // Any constant works; it only has to be the same in every process ("HSMIGRAT" in ASCII).
    private const long AdvisoryLockKey = 0x48534D4947524154;
    private const string ResourcePrefix = "Homeserver.Storage.Migrations.";

    private const string CreateTableSql = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    integer PRIMARY KEY,
            name       text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    public sealed record Migration(int Version, string Name, string Sql);

    /// <summary>All migrations this build knows, in order.</summary>
    public static IReadOnlyList<Migration> Known { get; } = LoadEmbedded();

    /// <returns>The migrations this call applied (none when the schema was already current).</returns>
    public async Task<IReadOnlyList<Migration>> ApplyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)",
            new { key = AdvisoryLockKey }, cancellationToken: cancellationToken));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(CreateTableSql, cancellationToken: cancellationToken));
            var applied = (await connection.QueryAsync<int>(new CommandDefinition(
                "SELECT version FROM schema_migrations", cancellationToken: cancellationToken))).ToHashSet();
            var newest = Known.Count == 0 ? 0 : Known[^1].Version;
            var unknown = applied.Where(v => v > newest).ToList();
            if (unknown.Count > 0)
            {
                throw new InvalidOperationException(
                    $"The database has schema version {unknown.Max()}, newer than this server knows ({newest}); " +
                    "run a newer server version against it.");
            }

            var done = new List<Migration>();
            foreach (var migration in Known.Where(m => !applied.Contains(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction,
                    cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, name) VALUES (@Version, @Name)",
                    new { migration.Version, migration.Name }, transaction, cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                LogApplied(logger, migration.Version, migration.Name);
                done.Add(migration);
            }

            return done;
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)",
                new { key = AdvisoryLockKey }, cancellationToken: CancellationToken.None));
        }
    }

    private static List<Migration> LoadEmbedded()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames()
                     .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) &&
                                 n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..^".sql".Length];
            var underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(name[..underscore], NumberStyles.None,
                    CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration '{resource}' is not named NNNN_description.sql");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(version, name, reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException($"Two migrations share version {migrations[i].Version}");
            }
        }

        return migrations;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Version} ({Name})")]
    private static partial void LogApplied(ILogger logger, int version, string name);
}
