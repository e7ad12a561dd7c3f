using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Npgsql;

namespace Homeserver.Storage.Accounts;

/// <summary>The <c>users</c> table (migration 0002), with the profile row and first session made at registration.</summary>
public sealed class AccountStore(NpgsqlDataSource dataSource, AccessTokenCache cache) : IAccountStore
{
    private const string SelectUserSql = """
        SELECT user_id AS UserIdText, password_hash AS PasswordHash, is_admin AS IsAdmin, is_guest AS IsGuest,
               deactivated AS Deactivated, erased AS Erased, created_ts AS CreatedTs
        FROM users WHERE user_id = @userId
        """;

    private const string InsertUserSql = """
        INSERT INTO users (user_id, password_hash, is_admin, is_guest, created_ts)
        VALUES (@userId, @passwordHash, @isAdmin, @isGuest, @now)
        ON CONFLICT (user_id) DO NOTHING
        """;

    private const string UseRegistrationTokenSql = """
        UPDATE registration_tokens SET completed = completed + 1
        WHERE token = @token AND (uses_allowed IS NULL OR completed < uses_allowed)
          AND (expiry_ts IS NULL OR expiry_ts > @now)
        """;

    private const string InsertProfileSql =
        "INSERT INTO profiles (user_id, displayname) VALUES (@userId, @displayName)";

    private const string DeactivateSql = """
        UPDATE users SET deactivated = true, password_hash = NULL, erased = erased OR @erase WHERE user_id = @userId;
        DELETE FROM devices WHERE user_id = @userId;
        DELETE FROM login_tokens WHERE user_id = @userId;
        """;

    private const string EraseProfileSql =
        "UPDATE profiles SET displayname = NULL, avatar_url = NULL, custom = '{}' WHERE user_id = @userId";

    public async Task<UserAccount?> GetUserAsync(UserId userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(SelectUserSql,
            new { userId = userId.Value }, cancellationToken: cancellationToken));
        return row?.ToAccount();
    }

    public async Task<RegistrationOutcome> RegisterAsync(NewAccount account, NewSession? session,
        string? registrationToken, long nowTs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(InsertUserSql,
            new
            {
                userId = account.UserId.Value, passwordHash = account.PasswordHash, isAdmin = account.IsAdmin,
                isGuest = account.IsGuest, now = nowTs,
            }, transaction, cancellationToken: cancellationToken));
        if (inserted == 0)
        {
            return RegistrationOutcome.UserInUse;
        }

        if (registrationToken is not null &&
            await connection.ExecuteAsync(new CommandDefinition(UseRegistrationTokenSql,
                new { token = registrationToken, now = nowTs }, transaction, cancellationToken: cancellationToken)) == 0)
        {
            return RegistrationOutcome.RegistrationTokenUsedUp;
        }

        await connection.ExecuteAsync(new CommandDefinition(InsertProfileSql,
            new { userId = account.UserId.Value, displayName = account.DisplayName }, transaction,
            cancellationToken: cancellationToken));
        var revoked = new List<TokenRevocation>();
        if (session is not null)
        {
            await SessionSql.StartAsync(connection, transaction, account.UserId, session, nowTs, revoked,
                cancellationToken);
        }

        await SessionSql.CommitAsync(transaction, revoked, cache, cancellationToken);
        return RegistrationOutcome.Created;
    }

    public async Task<long> NextGuestNumberAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT nextval('guest_localpart_seq')", cancellationToken: cancellationToken));
    }

    public async Task SetPasswordHashAsync(UserId userId, string passwordHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET password_hash = @passwordHash WHERE user_id = @userId",
            new { userId = userId.Value, passwordHash }, cancellationToken: cancellationToken));
    }

    public async Task DeactivateAsync(UserId userId, bool erase, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(DeactivateSql, new { userId = userId.Value, erase },
            transaction, cancellationToken: cancellationToken));
        if (erase)
        {
            await connection.ExecuteAsync(new CommandDefinition(EraseProfileSql, new { userId = userId.Value },
                transaction, cancellationToken: cancellationToken));
        }

        var revoked = new List<TokenRevocation>();
        await SessionSql.NotifyRevokedAsync(connection, transaction, new TokenRevocation(userId, null), revoked,
            cancellationToken);
        await SessionSql.CommitAsync(transaction, revoked, cache, cancellationToken);
    }

    private sealed record UserRow(string UserIdText, string? PasswordHash, bool IsAdmin, bool IsGuest, bool Deactivated,
        bool Erased, long CreatedTs)
    {
        public UserAccount ToAccount() =>
            new(UserId.Parse(UserIdText), PasswordHash, IsAdmin, IsGuest, Deactivated, Erased, CreatedTs);
    }
}
