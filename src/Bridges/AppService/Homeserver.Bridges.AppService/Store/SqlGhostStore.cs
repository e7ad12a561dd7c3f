using System.Data.Common;
using Dapper;

namespace Homeserver.Bridges.AppService.Store;

/// <summary>
/// The <c>appservice_ghosts</c> table: user_id text PRIMARY KEY, registered boolean, display_name text,
/// avatar_url text (the profile this appservice last set), updated_ts bigint.
/// </summary>
public sealed class SqlGhostStore(DbDataSource dataSource, TimeProvider time) : IGhostStore
{
    private const string IsRegisteredSql = "SELECT registered FROM appservice_ghosts WHERE user_id = @userId";

    private const string MarkRegisteredSql = """
        INSERT INTO appservice_ghosts (user_id, registered, updated_ts) VALUES (@userId, true, @now)
        ON CONFLICT (user_id) DO UPDATE SET registered = true, updated_ts = @now
        """;

    private const string ProfileSql = """
        SELECT display_name AS DisplayName, avatar_url AS AvatarUrl FROM appservice_ghosts WHERE user_id = @userId
        """;

    private const string SetDisplayNameSql = """
        INSERT INTO appservice_ghosts (user_id, display_name, updated_ts) VALUES (@userId, @value, @now)
        ON CONFLICT (user_id) DO UPDATE SET display_name = @value, updated_ts = @now
        """;

    private const string SetAvatarUrlSql = """
        INSERT INTO appservice_ghosts (user_id, avatar_url, updated_ts) VALUES (@userId, @value, @now)
        ON CONFLICT (user_id) DO UPDATE SET avatar_url = @value, updated_ts = @now
        """;

    public async Task<bool> IsRegisteredAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<bool>(new CommandDefinition(IsRegisteredSql, new { userId },
            cancellationToken: cancellationToken));
    }

    public Task MarkRegisteredAsync(string userId, CancellationToken cancellationToken) =>
        ExecuteAsync(MarkRegisteredSql, userId, null, cancellationToken);

    public async Task<GhostProfile?> GetProfileAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ProfileRow>(new CommandDefinition(ProfileSql, new { userId },
            cancellationToken: cancellationToken));
        return row is null ? null : new GhostProfile(row.DisplayName, row.AvatarUrl);
    }

    public Task SetDisplayNameAsync(string userId, string? displayName, CancellationToken cancellationToken) =>
        ExecuteAsync(SetDisplayNameSql, userId, displayName, cancellationToken);

    public Task SetAvatarUrlAsync(string userId, string? avatarUrl, CancellationToken cancellationToken) =>
        ExecuteAsync(SetAvatarUrlSql, userId, avatarUrl, cancellationToken);

    private async Task ExecuteAsync(string sql, string userId, string? value, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql,
            new { userId, value, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    private sealed class ProfileRow
    {
        public string? DisplayName { get; set; }

        public string? AvatarUrl { get; set; }
    }
}
