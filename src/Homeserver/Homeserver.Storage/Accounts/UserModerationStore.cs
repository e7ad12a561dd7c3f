using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Accounts.Admin;
using Npgsql;

namespace Homeserver.Storage.Accounts;

/// <summary>The <c>locked</c> and <c>suspended</c> columns of <c>users</c> (migration 0019).</summary>
public sealed class UserModerationStore(NpgsqlDataSource dataSource, AccessTokenCache cache) : IUserModerationStore
{
    private const string SelectSql = """
        SELECT is_admin AS IsAdmin, deactivated AS Deactivated, locked AS Locked, suspended AS Suspended
        FROM users WHERE user_id = @userId
        """;

    private const string SetLockedSql = "UPDATE users SET locked = @value WHERE user_id = @userId";

    private const string SetSuspendedSql = "UPDATE users SET suspended = @value WHERE user_id = @userId";

    public async Task<ModeratedUser?> GetAsync(UserId userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ModeratedUser>(new CommandDefinition(SelectSql,
            new { userId = userId.Value }, cancellationToken: cancellationToken));
    }

    public Task SetLockedAsync(UserId userId, bool locked, CancellationToken cancellationToken) =>
        SessionSql.SetUserFlagAsync(dataSource, cache, SetLockedSql, userId, locked, cancellationToken);

    public Task SetSuspendedAsync(UserId userId, bool suspended, CancellationToken cancellationToken) =>
        SessionSql.SetUserFlagAsync(dataSource, cache, SetSuspendedSql, userId, suspended, cancellationToken);
}
