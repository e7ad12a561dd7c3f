using System.Data.Common;
using Dapper;

namespace Homeserver.Bridges.AppService.Store;

/// <summary>The <c>appservice_memberships</c> table: (room_id, user_id) PRIMARY KEY, membership text.</summary>
public sealed class SqlMembershipStore(DbDataSource dataSource) : IMembershipStore
{
    private const string GetSql = "SELECT membership FROM appservice_memberships WHERE room_id = @roomId AND user_id = @userId";

    private const string SetSql = """
        INSERT INTO appservice_memberships (room_id, user_id, membership) VALUES (@roomId, @userId, @membership)
        ON CONFLICT (room_id, user_id) DO UPDATE SET membership = @membership
        """;

    public async Task<string?> GetMembershipAsync(string roomId, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(GetSql, new { roomId, userId },
            cancellationToken: cancellationToken));
    }

    public async Task SetMembershipAsync(string roomId, string userId, string membership, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(SetSql, new { roomId, userId, membership },
            cancellationToken: cancellationToken));
    }
}
