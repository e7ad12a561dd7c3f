using Homeserver.Host.Tests.Support;
using Npgsql;

namespace Homeserver.Host.Tests.Admin;

/// <summary>The admin audit log by who called: for endpoints without a target in their path (lists, creation).</summary>
public static class AdminAuditTrail
{
    /// <summary>Asserts that <paramref name="actor"/>'s latest admin call was this one, with this outcome.</summary>
    public static async Task AssertLastCallAsync(LiveServer server, string actor, string method, string endpoint,
        int status, string? errorCode = null)
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await using var command = dataSource.CreateCommand(
            "SELECT method, endpoint, status, errcode FROM admin_audit_log WHERE actor = $1 ORDER BY id DESC LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter { Value = actor });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no admin call of {actor} was audited");
        Assert.Equal((method, endpoint, status, errorCode), (reader.GetString(0), reader.GetString(1),
            reader.GetInt32(2), await reader.IsDBNullAsync(3) ? null : reader.GetString(3)));
    }

    public static async Task ExecuteAsync(LiveServer server, string sql, params object[] values)
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
    }
}
