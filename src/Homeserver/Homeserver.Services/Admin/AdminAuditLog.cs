namespace Homeserver.Services.Admin;

/// <summary>One call of the admin API as the audit log keeps it (<c>admin_audit_log</c>, migration 0038).</summary>
/// <param name="Actor">The requester's user ID, or <see cref="AdminAuditLog.SharedSecretActor"/>.</param>
/// <param name="Endpoint">The route template, so entries of one endpoint group together whatever their target.</param>
/// <param name="Target">The user, room or other object the path names, if any.</param>
/// <param name="ErrorCode">The errcode of a refused or failed call; null when it succeeded.</param>
public sealed record AdminAuditEntry(long Ts, string Actor, string Method, string Endpoint, string? Target, int Status,
    string? ErrorCode, string? ClientIp);

public interface IAdminAuditStore
{
    Task AppendAsync(AdminAuditEntry entry, CancellationToken cancellationToken);

    /// <summary>The newest entries first, at most <paramref name="limit"/>, optionally only those about <paramref name="target"/>.</summary>
    Task<IReadOnlyList<AdminAuditEntry>> ListAsync(string? target, int limit, CancellationToken cancellationToken);
}

/// <summary>
/// Writes the admin API's audit log: every authenticated call, admin or not, successful or refused (a refused one is
/// what an admin looking for probing wants to see), and every shared-secret registration attempt. Reads are recorded
/// too: looking up a user's data is itself worth knowing about.
/// </summary>
public sealed class AdminAuditLog(IAdminAuditStore store, TimeProvider time)
{
    public const string SharedSecretActor = "shared_secret";

    public Task RecordAsync(string actor, string method, string endpoint, string? target, int status, string? errorCode,
        string? clientIp, CancellationToken cancellationToken) =>
        store.AppendAsync(new AdminAuditEntry(time.GetUtcNow().ToUnixTimeMilliseconds(), actor, method, endpoint, target,
            status, errorCode, clientIp), cancellationToken);
}
