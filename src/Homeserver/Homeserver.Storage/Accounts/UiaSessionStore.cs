using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Npgsql;

namespace Homeserver.Storage.Accounts;

/// <summary>The <c>uia_sessions</c> table (migration 0002): in Postgres so any process can continue a session.</summary>
public sealed class UiaSessionStore(NpgsqlDataSource dataSource) : IUiaSessionStore
{
    public async Task CreateAsync(UiaSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO uia_sessions (session_id, method, path, user_id, completed, registration_token, created_ts)
            VALUES (@SessionId, @Method, @Path, @userId, @completed, @RegistrationToken, @CreatedTs)
            """, new
        {
            session.SessionId, session.Method, session.Path, userId = session.UserId?.Value,
            completed = session.Completed.ToArray(), session.RegistrationToken, session.CreatedTs,
        }, cancellationToken: cancellationToken));
    }

    public async Task<UiaSession?> GetAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition("""
            SELECT session_id AS SessionId, method AS Method, path AS Path, user_id AS UserIdText,
                   completed AS Completed, registration_token AS RegistrationToken, created_ts AS CreatedTs
            FROM uia_sessions WHERE session_id = @sessionId
            """, new { sessionId }, cancellationToken: cancellationToken));
        return row is null
            ? null
            : new UiaSession(row.SessionId, row.Method, row.Path,
                row.UserIdText is null ? null : UserId.Parse(row.UserIdText), row.Completed, row.RegistrationToken,
                row.CreatedTs);
    }

    public async Task AddCompletedStageAsync(string sessionId, string stage, string? registrationToken,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE uia_sessions
            SET completed = array_append(completed, @stage),
                registration_token = COALESCE(@registrationToken, registration_token)
            WHERE session_id = @sessionId AND NOT (@stage = ANY(completed))
            """, new { sessionId, stage, registrationToken }, cancellationToken: cancellationToken));
    }

    public async Task DeleteAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM uia_sessions WHERE session_id = @sessionId; DELETE FROM uia_sessions WHERE created_ts < @expired",
            new { sessionId, expired = DateTimeOffset.UtcNow.AddDays(-2).ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
    }

    // A class with setters, not a positional record: Dapper matches constructors by the reader's field
    // types, and Npgsql reports text[] as System.Array.
    private sealed class Row
    {
        public string SessionId { get; set; } = "";

        public string Method { get; set; } = "";

        public string Path { get; set; } = "";

        public string? UserIdText { get; set; }

        public string[] Completed { get; set; } = [];

        public string? RegistrationToken { get; set; }

        public long CreatedTs { get; set; }
    }
}
