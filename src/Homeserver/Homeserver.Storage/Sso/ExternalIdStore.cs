using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Sso;
using Npgsql;

namespace Homeserver.Storage.Sso;

/// <summary>
/// The <c>user_external_ids</c> table (migration 0048): link_id bigserial PRIMARY KEY, auth_provider text,
/// external_id text, user_id text, linked_ts bigint; unique (auth_provider, external_id) and (auth_provider, user_id).
/// </summary>
public sealed class ExternalIdStore(NpgsqlDataSource dataSource) : IExternalIdStore
{
    private const string SelectUserSql = """
        SELECT user_id FROM user_external_ids WHERE auth_provider = @provider AND external_id = @externalId
        """;

    // The transaction lock makes link_ids commit in the order they are drawn, so a poller that has seen one link has
    // seen every earlier one.
    private const string LockSql = "SELECT pg_advisory_xact_lock(hashtext('user_external_ids'))";

    private const string InsertSql = """
        INSERT INTO user_external_ids (auth_provider, external_id, user_id, linked_ts)
        VALUES (@provider, @externalId, @userId, @now)
        ON CONFLICT DO NOTHING
        """;

    private const string ListSql = """
        SELECT link_id AS Position, auth_provider AS AuthProvider, external_id AS ExternalId, user_id AS UserId,
               linked_ts AS LinkedAt
        FROM user_external_ids WHERE auth_provider = @provider AND link_id > @after
        ORDER BY link_id LIMIT @limit
        """;

    public async Task<UserId?> GetUserAsync(string authProvider, string externalId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var userId = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(SelectUserSql,
            new { provider = authProvider, externalId }, cancellationToken: cancellationToken));
        return userId is null ? null : UserId.Parse(userId);
    }

    public async Task<bool> TryLinkAsync(string authProvider, string externalId, UserId userId, long nowTs,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(LockSql, transaction: transaction,
            cancellationToken: cancellationToken));
        var inserted = await connection.ExecuteAsync(new CommandDefinition(InsertSql,
            new { provider = authProvider, externalId, userId = userId.Value, now = nowTs }, transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return inserted == 1;
    }

    public async Task<IReadOnlyList<ExternalIdLink>> ListAsync(string authProvider, long afterPosition, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<LinkRow>(new CommandDefinition(ListSql,
            new { provider = authProvider, after = afterPosition, limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new ExternalIdLink(r.Position, r.AuthProvider, r.ExternalId, UserId.Parse(r.UserId),
            r.LinkedAt)).ToList();
    }

    private sealed class LinkRow
    {
        public long Position { get; set; }

        public string AuthProvider { get; set; } = "";

        public string ExternalId { get; set; } = "";

        public string UserId { get; set; } = "";

        public long LinkedAt { get; set; }
    }
}
