using System.Data.Common;
using Dapper;

namespace Homeserver.Bridges.Steam.Store;

/// <summary>A Matrix user linked to a SteamID64; <see cref="Source"/> is <c>sso</c> (signed in with Steam) or
/// <c>command</c> (proved with a code through the bot).</summary>
public sealed record SteamLink(string UserId, string SteamId, string Source, long LinkedTs);

/// <summary>A link waiting for its proof: <see cref="Code"/> must appear in the Steam persona name.</summary>
public sealed record PendingLink(string UserId, string SteamId, string Code, long CreatedTs);

/// <summary>What the bridge last set on a Matrix user (a linked user or a ghost) from a Steam profile.</summary>
public sealed record PuppetState(string UserId, string SteamId, string? DisplayName, string? AvatarHash, string? Presence,
    string? StatusMsg);

/// <summary>
/// The bridge's tables (0001_steam_bridge.sql): steam_links (user_id PK, steam_id UNIQUE, source, linked_ts),
/// steam_pending_links (user_id PK, steam_id, code, created_ts), steam_puppets (user_id PK, steam_id, display_name,
/// avatar_hash, presence, status_msg, updated_ts), steam_avatars (avatar_hash PK, mxc_uri), steam_friends (user_id,
/// friend_steam_id), steam_dm_rooms (user_id, ghost_user_id, room_id, created_ts), steam_cursors (name PK, value).
/// Portable SQL over any <see cref="DbDataSource"/>.
/// </summary>
public sealed class SteamBridgeStore(DbDataSource dataSource, TimeProvider time)
{
    private const string LinkSql = """
        INSERT INTO steam_links (user_id, steam_id, source, linked_ts) VALUES (@userId, @steamId, @source, @now)
        ON CONFLICT DO NOTHING
        """;

    private const string LinksSql = "SELECT user_id AS UserId, steam_id AS SteamId, source AS Source, linked_ts AS LinkedTs FROM steam_links ORDER BY user_id";

    private const string LinkOfUserSql = "SELECT user_id AS UserId, steam_id AS SteamId, source AS Source, linked_ts AS LinkedTs FROM steam_links WHERE user_id = @userId";

    private const string LinkOfSteamIdSql = "SELECT user_id AS UserId, steam_id AS SteamId, source AS Source, linked_ts AS LinkedTs FROM steam_links WHERE steam_id = @steamId";

    private const string UnlinkSql = """
        DELETE FROM steam_links WHERE user_id = @userId;
        DELETE FROM steam_friends WHERE user_id = @userId;
        DELETE FROM steam_puppets WHERE user_id = @userId;
        """;

    private const string SetPendingSql = """
        INSERT INTO steam_pending_links (user_id, steam_id, code, created_ts) VALUES (@userId, @steamId, @code, @now)
        ON CONFLICT (user_id) DO UPDATE SET steam_id = @steamId, code = @code, created_ts = @now
        """;

    private const string PendingSql = "SELECT user_id AS UserId, steam_id AS SteamId, code AS Code, created_ts AS CreatedTs FROM steam_pending_links WHERE user_id = @userId";

    private const string DeletePendingSql = "DELETE FROM steam_pending_links WHERE user_id = @userId";

    private const string PuppetSql = """
        SELECT user_id AS UserId, steam_id AS SteamId, display_name AS DisplayName, avatar_hash AS AvatarHash,
               presence AS Presence, status_msg AS StatusMsg
        FROM steam_puppets WHERE user_id = @userId
        """;

    private const string SavePuppetSql = """
        INSERT INTO steam_puppets (user_id, steam_id, display_name, avatar_hash, presence, status_msg, updated_ts)
        VALUES (@UserId, @SteamId, @DisplayName, @AvatarHash, @Presence, @StatusMsg, @now)
        ON CONFLICT (user_id) DO UPDATE SET steam_id = @SteamId, display_name = @DisplayName, avatar_hash = @AvatarHash,
            presence = @Presence, status_msg = @StatusMsg, updated_ts = @now
        """;

    private const string AvatarSql = "SELECT mxc_uri FROM steam_avatars WHERE avatar_hash = @hash";

    private const string SaveAvatarSql = "INSERT INTO steam_avatars (avatar_hash, mxc_uri) VALUES (@hash, @mxc) ON CONFLICT DO NOTHING";

    private const string ClearFriendsSql = "DELETE FROM steam_friends WHERE user_id = @userId";

    private const string AddFriendSql = "INSERT INTO steam_friends (user_id, friend_steam_id) VALUES (@userId, @friend) ON CONFLICT DO NOTHING";

    private const string FriendsOfSql = "SELECT friend_steam_id FROM steam_friends WHERE user_id = @userId ORDER BY friend_steam_id";

    private const string AllFriendsSql = "SELECT DISTINCT friend_steam_id FROM steam_friends";

    private const string DmRoomSql = "SELECT room_id FROM steam_dm_rooms WHERE user_id = @userId AND ghost_user_id = @ghost";

    private const string SaveDmRoomSql = """
        INSERT INTO steam_dm_rooms (user_id, ghost_user_id, room_id, created_ts) VALUES (@userId, @ghost, @roomId, @now)
        ON CONFLICT DO NOTHING
        """;

    private const string CursorSql = "SELECT value FROM steam_cursors WHERE name = @name";

    private const string SaveCursorSql = "INSERT INTO steam_cursors (name, value) VALUES (@name, @value) ON CONFLICT (name) DO UPDATE SET value = @value";

    /// <summary>Links <paramref name="userId"/> to <paramref name="steamId"/> unless either is linked already;
    /// returns whether it did.</summary>
    public async Task<bool> TryLinkAsync(string userId, string steamId, string source, CancellationToken cancellationToken) =>
        await ExecuteAsync(LinkSql, new { userId, steamId, source, now = Now() }, cancellationToken) == 1;

    public async Task<IReadOnlyList<SteamLink>> LinksAsync(CancellationToken cancellationToken) =>
        [.. await QueryAsync<SteamLink>(LinksSql, null, cancellationToken)];

    public async Task<SteamLink?> LinkOfUserAsync(string userId, CancellationToken cancellationToken) =>
        (await QueryAsync<SteamLink>(LinkOfUserSql, new { userId }, cancellationToken)).FirstOrDefault();

    public async Task<SteamLink?> LinkOfSteamIdAsync(string steamId, CancellationToken cancellationToken) =>
        (await QueryAsync<SteamLink>(LinkOfSteamIdSql, new { steamId }, cancellationToken)).FirstOrDefault();

    /// <summary>Forgets the user's link, friend list and what was set on them; returns whether there was a link.</summary>
    public async Task<bool> UnlinkAsync(string userId, CancellationToken cancellationToken) =>
        await ExecuteAsync(UnlinkSql, new { userId }, cancellationToken) > 0;

    public Task SetPendingAsync(string userId, string steamId, string code, CancellationToken cancellationToken) =>
        ExecuteAsync(SetPendingSql, new { userId, steamId, code, now = Now() }, cancellationToken);

    public async Task<PendingLink?> PendingAsync(string userId, CancellationToken cancellationToken) =>
        (await QueryAsync<PendingLink>(PendingSql, new { userId }, cancellationToken)).FirstOrDefault();

    public Task DeletePendingAsync(string userId, CancellationToken cancellationToken) =>
        ExecuteAsync(DeletePendingSql, new { userId }, cancellationToken);

    public async Task<PuppetState?> PuppetAsync(string userId, CancellationToken cancellationToken) =>
        (await QueryAsync<PuppetState>(PuppetSql, new { userId }, cancellationToken)).FirstOrDefault();

    public Task SavePuppetAsync(PuppetState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        return ExecuteAsync(SavePuppetSql, new
        {
            state.UserId, state.SteamId, state.DisplayName, state.AvatarHash, state.Presence, state.StatusMsg, now = Now(),
        }, cancellationToken);
    }

    public async Task<string?> AvatarAsync(string hash, CancellationToken cancellationToken) =>
        (await QueryAsync<string>(AvatarSql, new { hash }, cancellationToken)).FirstOrDefault();

    public Task SaveAvatarAsync(string hash, string mxc, CancellationToken cancellationToken) =>
        ExecuteAsync(SaveAvatarSql, new { hash, mxc }, cancellationToken);

    /// <summary>Replaces the user's friend list with <paramref name="friendSteamIds"/>.</summary>
    public async Task SetFriendsAsync(string userId, IReadOnlyCollection<string> friendSteamIds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ClearFriendsSql, new { userId }, transaction, cancellationToken: cancellationToken));
        foreach (var friend in friendSteamIds)
        {
            await connection.ExecuteAsync(new CommandDefinition(AddFriendSql, new { userId, friend }, transaction,
                cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> FriendsOfAsync(string userId, CancellationToken cancellationToken) =>
        [.. await QueryAsync<string>(FriendsOfSql, new { userId }, cancellationToken)];

    /// <summary>Every SteamID64 on some linked user's friend list.</summary>
    public async Task<IReadOnlyList<string>> AllFriendsAsync(CancellationToken cancellationToken) =>
        [.. await QueryAsync<string>(AllFriendsSql, null, cancellationToken)];

    public async Task<string?> DmRoomAsync(string userId, string ghost, CancellationToken cancellationToken) =>
        (await QueryAsync<string>(DmRoomSql, new { userId, ghost }, cancellationToken)).FirstOrDefault();

    public Task SaveDmRoomAsync(string userId, string ghost, string roomId, CancellationToken cancellationToken) =>
        ExecuteAsync(SaveDmRoomSql, new { userId, ghost, roomId, now = Now() }, cancellationToken);

    public async Task<string?> CursorAsync(string name, CancellationToken cancellationToken) =>
        (await QueryAsync<string>(CursorSql, new { name }, cancellationToken)).FirstOrDefault();

    public Task SaveCursorAsync(string name, string value, CancellationToken cancellationToken) =>
        ExecuteAsync(SaveCursorSql, new { name, value }, cancellationToken);

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task<int> ExecuteAsync(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    private async Task<IEnumerable<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }
}
