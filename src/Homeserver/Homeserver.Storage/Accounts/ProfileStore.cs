using System.Text.Json;
using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Shared;
using Npgsql;

namespace Homeserver.Storage.Accounts;

/// <summary>The <c>profiles</c> table (migration 0002): one row per local user, made at registration. Custom fields
/// stored as anything but an object (written around the API) are left out and logged (<see cref="StoredJson"/>): anyone
/// may read a profile.</summary>
public sealed class ProfileStore(NpgsqlDataSource dataSource, StoredJson stored) : IProfileStore
{
    private const string SelectSql = """
        SELECT displayname AS DisplayName, avatar_url AS AvatarUrl, custom::text AS Custom
        FROM profiles WHERE user_id = @userId
        """;

    private const string UpdateSql = """
        UPDATE profiles SET displayname = @displayName, avatar_url = @avatarUrl, custom = @custom::jsonb
        WHERE user_id = @userId
        """;

    public async Task<UserProfile?> GetAsync(UserId userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ProfileRow>(new CommandDefinition(SelectSql,
            new { userId = userId.Value }, cancellationToken: cancellationToken));
        return row?.ToProfile(stored, userId.Value);
    }

    public async Task<bool> UpdateAsync(UserId userId, Func<UserProfile, UserProfile> change,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ProfileRow>(new CommandDefinition(
            SelectSql + " FOR UPDATE", new { userId = userId.Value }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return false;
        }

        var next = change(row.ToProfile(stored, userId.Value));
        await connection.ExecuteAsync(new CommandDefinition(UpdateSql,
            new
            {
                userId = userId.Value, displayName = next.DisplayName, avatarUrl = next.AvatarUrl,
                custom = JsonSerializer.Serialize(next.Custom),
            }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private sealed record ProfileRow(string? DisplayName, string? AvatarUrl, string Custom)
    {
        public UserProfile ToProfile(StoredJson stored, string userId)
        {
            var custom = stored.ParseObject(Custom, "profile", "custom fields", userId) is { } fields
                ? fields.ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value), StringComparer.Ordinal)
                : new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            return new UserProfile(DisplayName, AvatarUrl, custom);
        }
    }
}
