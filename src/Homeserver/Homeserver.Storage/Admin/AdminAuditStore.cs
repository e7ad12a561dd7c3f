using Dapper;
using Homeserver.Services.Admin;
using Npgsql;

namespace Homeserver.Storage.Admin;

/// <summary>
/// The <c>admin_audit_log</c> table (migration 0038): id bigserial, ts bigint, actor text, method text, endpoint text,
/// target text NULL, status integer, errcode text NULL, client_ip text NULL. Append-only.
/// </summary>
public sealed class AdminAuditStore(NpgsqlDataSource dataSource) : IAdminAuditStore
{
    private const string InsertSql = """
        INSERT INTO admin_audit_log (ts, actor, method, endpoint, target, status, errcode, client_ip)
        VALUES (@Ts, @Actor, @Method, @Endpoint, @Target, @Status, @ErrorCode, @ClientIp)
        """;

    private const string SelectSql = """
        SELECT ts AS Ts, actor AS Actor, method AS Method, endpoint AS Endpoint, target AS Target, status AS Status,
               errcode AS ErrorCode, client_ip AS ClientIp
        FROM admin_audit_log
        WHERE @target::text IS NULL OR target = @target
        ORDER BY id DESC LIMIT @limit
        """;

    public async Task AppendAsync(AdminAuditEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, entry, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<AdminAuditEntry>> ListAsync(string? target, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AdminAuditEntry>(new CommandDefinition(SelectSql, new { target, limit },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }
}
