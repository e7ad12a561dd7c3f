using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Social;
using Npgsql;

namespace Homeserver.Storage.Accounts;

/// <summary>
/// Room tags in the <c>account_data</c> table (migration 0002) as <c>m.tag</c> rows: a change reads and writes the
/// row under the account data stream's lock (<see cref="AccountDataStore.StreamLockKey"/>), which every account data
/// write holds to commit, so two tag changes never overwrite each other.
/// </summary>
public sealed class RoomTagStore(NpgsqlDataSource dataSource) : IRoomTagStore
{
    private const string TagType = "m.tag";

    private const string SelectSql = """
        SELECT content FROM account_data WHERE user_id = @userId AND room_id = @roomId AND type = @type
        """;

    private const string UpsertSql = """
        INSERT INTO account_data (user_id, room_id, type, content, stream_id)
        VALUES (@userId, @roomId, @type, @content, nextval('account_data_stream_seq'))
        ON CONFLICT (user_id, room_id, type)
        DO UPDATE SET content = excluded.content, stream_id = excluded.stream_id
        RETURNING stream_id
        """;

    public async Task<string?> GetAsync(UserId userId, RoomId roomId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(SelectSql,
            new { userId = userId.Value, roomId = roomId.Value, type = TagType }, cancellationToken: cancellationToken));
    }

    public async Task<long> UpdateAsync(UserId userId, RoomId roomId, Func<string?, string> change,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)",
            new { key = AccountDataStore.StreamLockKey }, transaction, cancellationToken: cancellationToken));
        var key = new { userId = userId.Value, roomId = roomId.Value, type = TagType };
        var current = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(SelectSql, key,
            transaction, cancellationToken: cancellationToken));
        var position = await connection.ExecuteScalarAsync<long>(new CommandDefinition(UpsertSql,
            new { key.userId, key.roomId, key.type, content = change(current) }, transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return position;
    }
}
