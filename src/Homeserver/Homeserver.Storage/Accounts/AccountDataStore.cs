using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Npgsql;

namespace Homeserver.Storage.Accounts;

/// <summary>
/// The <c>account_data</c> table (migration 0002): global rows have room_id '', and every write takes the next
/// value of <c>account_data_stream_seq</c> so sync can send what changed since a position.
/// </summary>
public sealed class AccountDataStore(NpgsqlDataSource dataSource) : IAccountDataStore
{
    /// <summary>Held from taking a stream position to commit, so positions become visible in order and a reader
    /// may take <c>max(stream_id)</c> as "everything up to here is written" ("HSACCDAT").</summary>
    public const long StreamLockKey = 0x48534143434441;

    private const string GlobalRoom = "";

    private const string UpsertSql = """
        INSERT INTO account_data (user_id, room_id, type, content, stream_id)
        VALUES (@userId, @roomId, @type, @content, nextval('account_data_stream_seq'))
        ON CONFLICT (user_id, room_id, type)
        DO UPDATE SET content = excluded.content, stream_id = excluded.stream_id
        RETURNING stream_id
        """;

    private const string SelectSql = """
        SELECT content FROM account_data WHERE user_id = @userId AND room_id = @roomId AND type = @type
        """;

    public async Task<long> PutAsync(UserId userId, RoomId? roomId, string type, string content,
        CancellationToken cancellationToken)
    {
        return await OrderedStreamWrite.WriteAsync(dataSource, StreamLockKey, UpsertSql,
            new { userId = userId.Value, roomId = roomId?.Value ?? GlobalRoom, type, content }, cancellationToken);
    }

    public async Task<string?> GetAsync(UserId userId, RoomId? roomId, string type, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(SelectSql,
            new { userId = userId.Value, roomId = roomId?.Value ?? GlobalRoom, type },
            cancellationToken: cancellationToken));
    }

    public async Task<long> UpdateAsync(UserId userId, RoomId? roomId, string type, Func<string?, string> change,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Every account data write holds this lock to commit, so nothing writes between the read and the upsert.
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)",
            new { key = StreamLockKey }, transaction, cancellationToken: cancellationToken));
        var key = new { userId = userId.Value, roomId = roomId?.Value ?? GlobalRoom, type };
        var current = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(SelectSql, key,
            transaction, cancellationToken: cancellationToken));
        var position = await connection.ExecuteScalarAsync<long>(new CommandDefinition(UpsertSql,
            new { key.userId, key.roomId, key.type, content = change(current) }, transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return position;
    }

    public async Task DeleteAllAsync(UserId userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM account_data WHERE user_id = @userId",
            new { userId = userId.Value }, cancellationToken: cancellationToken));
    }
}
