using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Admin;
using Npgsql;

namespace Homeserver.Storage.Admin;

/// <summary>
/// The <c>ratelimit_overrides</c> table (migration 0042): user_id text PRIMARY KEY (a local user), messages_per_second
/// bigint, burst_count bigint, both at least 0.
/// </summary>
public sealed class RateLimitOverrideStore(NpgsqlDataSource dataSource) : IRateLimitOverrideStore
{
    private const string SelectSql = """
        SELECT messages_per_second AS MessagesPerSecond, burst_count AS BurstCount
        FROM ratelimit_overrides WHERE user_id = @userId
        """;

    private const string UpsertSql = """
        INSERT INTO ratelimit_overrides (user_id, messages_per_second, burst_count)
        VALUES (@userId, @messagesPerSecond, @burstCount)
        ON CONFLICT (user_id) DO UPDATE
            SET messages_per_second = EXCLUDED.messages_per_second, burst_count = EXCLUDED.burst_count
        """;

    private const string DeleteSql = "DELETE FROM ratelimit_overrides WHERE user_id = @userId";

    public async Task<RateLimitOverride?> GetAsync(UserId userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectSql,
            new { userId = userId.Value }, cancellationToken: cancellationToken));
        return row is null ? null : new RateLimitOverride(row.MessagesPerSecond, row.BurstCount);
    }

    public async Task SetAsync(UserId userId, RateLimitOverride value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(UpsertSql,
            new { userId = userId.Value, messagesPerSecond = value.MessagesPerSecond, burstCount = value.BurstCount },
            cancellationToken: cancellationToken));
    }

    public async Task DeleteAsync(UserId userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { userId = userId.Value },
            cancellationToken: cancellationToken));
    }

    private sealed class Row
    {
        public long MessagesPerSecond { get; init; }

        public long BurstCount { get; init; }
    }
}
