using Dapper;
using Homeserver.Services.Sync;
using Npgsql;

namespace Homeserver.Storage.Sync;

/// <summary>The <c>user_filters</c> table (migration 0007): filter IDs come from <c>user_filter_seq</c>.</summary>
public sealed class FilterStore(NpgsqlDataSource dataSource) : IFilterStore
{
    private const string InsertSql = """
        INSERT INTO user_filters (user_id, filter_id, filter_json)
        VALUES (@userId, nextval('user_filter_seq'), @filterJson)
        RETURNING filter_id
        """;

    private const string SelectSql = """
        SELECT filter_json FROM user_filters WHERE user_id = @userId AND filter_id = @filterId
        """;

    private const string SelectAllSql = """
        SELECT filter_id AS FilterId, filter_json AS FilterJson FROM user_filters WHERE user_id = @userId
        ORDER BY filter_id
        """;

    public async Task<IReadOnlyList<(long FilterId, string FilterJson)>> GetAllAsync(string userId,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long FilterId, string FilterJson)>(new CommandDefinition(SelectAllSql,
            new { userId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    public async Task<long> CreateAsync(string userId, string filterJson, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertSql, new { userId, filterJson },
            cancellationToken: cancellationToken));
    }

    public async Task<string?> GetAsync(string userId, long filterId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(SelectSql,
            new { userId, filterId }, cancellationToken: cancellationToken));
    }
}
