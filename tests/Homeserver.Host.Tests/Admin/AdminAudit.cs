using Homeserver.Host.Tests.Support;
using Npgsql;

namespace Homeserver.Host.Tests.Admin;

/// <summary>Reads the admin API's audit log (<c>admin_audit_log</c>) straight from the test server's database.</summary>
public static class AdminAudit
{
    public sealed record Entry(string Actor, string Method, string Endpoint, string? Target, int Status, string? ErrorCode);

    /// <summary>The entries about <paramref name="target"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<Entry>> ForTargetAsync(LiveServer server, string target)
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await using var command = dataSource.CreateCommand(
            "SELECT actor, method, endpoint, target, status, errcode FROM admin_audit_log WHERE target = $1 ORDER BY id");
        command.Parameters.Add(new NpgsqlParameter { Value = target });
        await using var reader = await command.ExecuteReaderAsync();
        var entries = new List<Entry>();
        while (await reader.ReadAsync())
        {
            entries.Add(new Entry(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                await reader.IsDBNullAsync(3) ? null : reader.GetString(3), reader.GetInt32(4),
                await reader.IsDBNullAsync(5) ? null : reader.GetString(5)));
        }

        return entries;
    }

    /// <summary>Asserts that the last entry about <paramref name="target"/> records this call and outcome.</summary>
    public static async Task AssertLastAsync(LiveServer server, string target, string actor, string method,
        string endpoint, int status, string? errorCode = null)
    {
        var entries = await ForTargetAsync(server, target);
        Assert.NotEmpty(entries);
        Assert.Equal(new Entry(actor, method, endpoint, target, status, errorCode), entries[^1]);
    }
}
