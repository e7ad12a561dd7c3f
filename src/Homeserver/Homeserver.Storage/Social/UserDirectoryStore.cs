using Dapper;
using Homeserver.Services.Social;
using Npgsql;

namespace Homeserver.Storage.Social;

/// <summary>
/// User directory search over <c>profiles.search_vector</c> (the words of the user ID and display name, a generated
/// column, migration 0018) and <c>user_directory_public_rooms</c> (rooms whose members anyone may find, maintained by
/// the room writer), with <c>room_memberships</c> for the rooms the searcher shares. The word match narrows first
/// (GIN index); each match is then checked for visibility with two indexed lookups.
/// </summary>
public sealed class UserDirectoryStore(NpgsqlDataSource dataSource) : IUserDirectoryStore
{
    private const string SearchSql = """
        SELECT p.user_id AS UserId, p.displayname AS DisplayName, p.avatar_url AS AvatarUrl
        FROM profiles p JOIN users u ON u.user_id = p.user_id
        WHERE p.search_vector @@ to_tsquery('simple', @query) AND NOT u.deactivated
          AND (EXISTS (SELECT 1 FROM room_memberships m JOIN user_directory_public_rooms r ON r.room_id = m.room_id
                       WHERE m.user_id = p.user_id AND m.membership = 'join')
               OR EXISTS (SELECT 1 FROM room_memberships mine
                          JOIN room_memberships theirs ON theirs.room_id = mine.room_id AND theirs.user_id = p.user_id
                          WHERE mine.user_id = @searcher AND mine.membership = 'join' AND theirs.membership = 'join'))
        ORDER BY ts_rank_cd(p.search_vector, to_tsquery('simple', @query)) DESC,
                 p.displayname IS NULL, p.avatar_url IS NULL, p.user_id COLLATE "C"
        LIMIT @limit
        """;

    public async Task<IReadOnlyList<DirectoryUser>> SearchAsync(string searcher, IReadOnlyList<string> wordPrefixes,
        int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wordPrefixes);
        // Words are letters and digits only, so they cannot carry tsquery syntax.
        var query = string.Join(" & ", wordPrefixes.Select(w => w + ":*"));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var users = await connection.QueryAsync<DirectoryUser>(new CommandDefinition(SearchSql,
            new { query, searcher, limit }, cancellationToken: cancellationToken));
        return users.ToList();
    }
}
