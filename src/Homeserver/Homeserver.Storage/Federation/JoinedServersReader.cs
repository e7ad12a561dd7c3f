using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation;
using Npgsql;

namespace Homeserver.Storage.Federation;

/// <summary>The servers of a room's joined members, from <c>room_memberships</c> (each user's current membership).</summary>
public sealed class JoinedServersReader(NpgsqlDataSource dataSource) : IJoinedServersReader
{
    // A user ID's server name is everything after its first ':' (the name may carry a port).
    private const string JoinedServersSql = """
        SELECT DISTINCT substr(user_id, strpos(user_id, ':') + 1) FROM room_memberships
        WHERE room_id = @roomId AND membership = 'join'
        """;

    public async Task<IReadOnlyList<ServerName>> GetJoinedServersAsync(RoomId roomId,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var names = await connection.QueryAsync<string>(new CommandDefinition(JoinedServersSql,
            new { roomId = roomId.Value }, cancellationToken: cancellationToken));
        var servers = new List<ServerName>();
        foreach (var name in names)
        {
            if (ServerName.TryParse(name, out var server, out _))
            {
                servers.Add(server);
            }
        }

        return servers;
    }
}
