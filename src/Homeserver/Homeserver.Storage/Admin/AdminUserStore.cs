using System.Globalization;
using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Admin;
using Homeserver.Storage.Accounts;
using Npgsql;

namespace Homeserver.Storage.Admin;

/// <summary>
/// Users as the admin API lists and changes them: <c>users</c> (with <c>user_type</c> and <c>shadow_banned</c>,
/// migration 0039) joined with <c>profiles</c>, the last sighting from <c>devices</c>, joined rooms from
/// <c>room_memberships</c>.
/// </summary>
public sealed class AdminUserStore(NpgsqlDataSource dataSource, AccessTokenCache cache) : IAdminUserStore
{
    private const string ColumnsSql = """
        SELECT u.user_id AS Name, u.is_guest AS IsGuest, u.is_admin AS Admin, u.deactivated AS Deactivated,
               u.erased AS Erased, u.shadow_banned AS ShadowBanned, u.locked AS Locked, u.suspended AS Suspended,
               u.user_type AS UserType, p.displayname AS DisplayName, p.avatar_url AS AvatarUrl, u.created_ts AS CreatedTs,
               (SELECT max(d.last_seen_ts) FROM devices d WHERE d.user_id = u.user_id) AS LastSeenTs
        """;

    private const string FromSql = " FROM users u LEFT JOIN profiles p ON p.user_id = u.user_id ";

    private const string FilterSql = """
        WHERE (@guests OR NOT u.is_guest) AND (@deactivated OR NOT u.deactivated) AND (@locked OR NOT u.locked)
          AND (@admins::boolean IS NULL OR u.is_admin = @admins)
          AND (@name::text IS NULL OR u.user_id ILIKE @name ESCAPE '\' OR p.displayname ILIKE @name ESCAPE '\')
          AND (@userId::text IS NULL OR u.user_id ILIKE @userId ESCAPE '\')
        """;

    private const string JoinedRoomsSql = """
        SELECT room_id FROM room_memberships WHERE user_id = @userId AND membership = 'join' ORDER BY room_id
        """;

    private static readonly Dictionary<string, string> OrderSql = new(StringComparer.Ordinal)
    {
        ["name"] = "u.user_id", ["displayname"] = "p.displayname", ["is_guest"] = "u.is_guest",
        ["admin"] = "u.is_admin", ["deactivated"] = "u.deactivated", ["user_type"] = "u.user_type",
        ["avatar_url"] = "p.avatar_url", ["shadow_banned"] = "u.shadow_banned", ["creation_ts"] = "u.created_ts",
        ["last_seen_ts"] = "LastSeenTs", ["locked"] = "u.locked",
    };

    public async Task<(IReadOnlyList<AdminUser> Users, long Total)> ListAsync(AdminUserQuery query,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var order = OrderSql[query.OrderBy];
        var direction = query.Backwards ? "DESC" : "ASC";
        var parameters = new
        {
            guests = query.Guests, deactivated = query.Deactivated, locked = query.Locked, admins = query.Admins,
            name = Contains(query.NameContains),
            userId = query.NameContains is null ? Contains(query.UserIdContains) : null,
            from = query.Page.From, limit = query.Page.Limit,
        };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*)" + FromSql + FilterSql, parameters, cancellationToken: cancellationToken));
        var users = await connection.QueryAsync<AdminUser>(new CommandDefinition(
            ColumnsSql + FromSql + FilterSql +
            string.Create(CultureInfo.InvariantCulture, $" ORDER BY {order} {direction}, u.user_id ASC OFFSET @from LIMIT @limit"),
            parameters, cancellationToken: cancellationToken));
        return (users.AsList(), total);
    }

    public async Task<AdminUser?> GetAsync(UserId userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AdminUser>(new CommandDefinition(
            ColumnsSql + FromSql + "WHERE u.user_id = @userId", new { userId = userId.Value },
            cancellationToken: cancellationToken));
    }

    public Task SetAdminAsync(UserId userId, bool admin, CancellationToken cancellationToken) =>
        SessionSql.SetUserFlagAsync(dataSource, cache, "UPDATE users SET is_admin = @value WHERE user_id = @userId",
            userId, admin, cancellationToken);

    public Task SetShadowBannedAsync(UserId userId, bool shadowBanned, CancellationToken cancellationToken) =>
        SessionSql.SetUserFlagAsync(dataSource, cache,
            "UPDATE users SET shadow_banned = @value WHERE user_id = @userId", userId, shadowBanned, cancellationToken);

    public async Task SetUserTypeAsync(UserId userId, string? userType, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE users SET user_type = @userType WHERE user_id = @userId",
            new { userId = userId.Value, userType }, cancellationToken: cancellationToken));
    }

    public async Task ReactivateAsync(UserId userId, string passwordHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET deactivated = false, password_hash = @passwordHash WHERE user_id = @userId",
            new { userId = userId.Value, passwordHash }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<string>> JoinedRoomsAsync(UserId userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition(JoinedRoomsSql, new { userId = userId.Value },
            cancellationToken: cancellationToken))).AsList();
    }

    private static string? Contains(string? text) => text is null
        ? null
        : "%" + text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal) + "%";
}
