using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.OAuth;
using Npgsql;

namespace Homeserver.Storage.OAuth;

/// <summary>
/// The <c>oauth_authorization_requests</c> table (migration 0045): request_id text PRIMARY KEY, client_id,
/// redirect_uri, scope, device_id, state, response_mode, code_challenge, session_hash bytea, created_ts, expires_ts,
/// user_id (set on consent), code_hash bytea UNIQUE (set on consent), code_expires_ts, exchanged boolean.
/// </summary>
public sealed class AuthorizationRequestStore(NpgsqlDataSource dataSource) : IAuthorizationRequestStore
{
    private const string Columns = """
        r.request_id AS RequestId, r.client_id AS ClientId, r.redirect_uri AS RedirectUri, r.scope AS Scope,
        r.device_id AS DeviceId, r.state AS State, r.response_mode AS ResponseMode, r.code_challenge AS CodeChallenge,
        r.session_hash AS SessionHash, r.expires_ts AS ExpiresTs, r.user_id AS UserIdText
        """;

    // Requests nobody finished within their lifetime, and used codes, go as new requests come.
    private const string InsertSql = """
        DELETE FROM oauth_authorization_requests WHERE expires_ts <= @now AND (code_expires_ts IS NULL OR code_expires_ts <= @now);
        INSERT INTO oauth_authorization_requests (request_id, client_id, redirect_uri, scope, device_id, state,
            response_mode, code_challenge, session_hash, created_ts, expires_ts)
        VALUES (@RequestId, @ClientId, @RedirectUri, @Scope, @DeviceId, @State, @ResponseMode, @CodeChallenge,
            @SessionHash, @now, @ExpiresTs);
        """;

    private const string SelectSql = "SELECT " + Columns + """
         FROM oauth_authorization_requests r WHERE r.request_id = @requestId AND r.expires_ts > @now
        """;

    private const string SetCodeSql = """
        UPDATE oauth_authorization_requests SET user_id = @userId, code_hash = @codeHash, code_expires_ts = @codeExpiresTs
        WHERE request_id = @requestId AND code_hash IS NULL AND expires_ts > @now
        """;

    // FOR UPDATE makes a concurrent exchange of the same code wait, then see exchanged = true.
    private const string ConsumeSql = """
        WITH old AS (
            SELECT request_id, exchanged FROM oauth_authorization_requests WHERE code_hash = @codeHash FOR UPDATE)
        UPDATE oauth_authorization_requests r SET exchanged = true FROM old
        WHERE r.request_id = old.request_id
        """ + " RETURNING " + Columns + ", r.code_expires_ts AS CodeExpiresTs, old.exchanged AS AlreadyExchanged";

    public async Task AddAsync(AuthorizationRequest request, long nowTs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            request.RequestId, request.ClientId, request.RedirectUri, request.Scope, request.DeviceId, request.State,
            request.ResponseMode, request.CodeChallenge, request.SessionHash, request.ExpiresTs, now = nowTs,
        }, cancellationToken: cancellationToken));
    }

    public async Task<AuthorizationRequest?> GetAsync(string requestId, long nowTs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<RequestRow>(new CommandDefinition(SelectSql,
            new { requestId, now = nowTs }, cancellationToken: cancellationToken));
        return row?.ToRequest();
    }

    public async Task<bool> SetCodeAsync(string requestId, UserId userId, byte[] codeHash, long codeExpiresTs,
        long nowTs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(SetCodeSql,
            new { requestId, userId = userId.Value, codeHash, codeExpiresTs, now = nowTs },
            cancellationToken: cancellationToken)) == 1;
    }

    public async Task<ConsumedCode?> ConsumeCodeAsync(byte[] codeHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ConsumedRow>(new CommandDefinition(ConsumeSql,
            new { codeHash }, cancellationToken: cancellationToken));
        return row is null
            ? null
            : new ConsumedCode(row.ToRequest(), row.CodeExpiresTs ?? 0, row.AlreadyExchanged);
    }

    private record RequestRow(string RequestId, string ClientId, string RedirectUri, string Scope, string DeviceId,
        string? State, string ResponseMode, string CodeChallenge, byte[] SessionHash, long ExpiresTs, string? UserIdText)
    {
        public AuthorizationRequest ToRequest() => new(RequestId, ClientId, RedirectUri, Scope, DeviceId, State,
            ResponseMode, CodeChallenge, SessionHash, ExpiresTs, UserIdText is null ? null : UserId.Parse(UserIdText));
    }

    private sealed record ConsumedRow(string RequestId, string ClientId, string RedirectUri, string Scope,
        string DeviceId, string? State, string ResponseMode, string CodeChallenge, byte[] SessionHash, long ExpiresTs,
        string? UserIdText, long? CodeExpiresTs, bool AlreadyExchanged)
        : RequestRow(RequestId, ClientId, RedirectUri, Scope, DeviceId, State, ResponseMode, CodeChallenge, SessionHash,
            ExpiresTs, UserIdText);
}
