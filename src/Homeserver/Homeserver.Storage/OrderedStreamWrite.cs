using Dapper;
using Npgsql;

namespace Homeserver.Storage;

/// <summary>
/// A write that takes the next position of a stream whose readers treat <c>max(position)</c> as "everything up to
/// here is written" (account data, receipts, presence): the stream's advisory lock is held from taking the position
/// to commit, so positions become visible in order.
/// </summary>
internal static class OrderedStreamWrite
{
    /// <summary>Runs <paramref name="sql"/> (which takes the position with <c>nextval</c> and returns it) under the
    /// stream's lock, commits, and returns the position.</summary>
    public static async Task<long> WriteAsync(NpgsqlDataSource dataSource, long streamLockKey, string sql,
        object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)",
            new { key = streamLockKey }, transaction, cancellationToken: cancellationToken));
        var position = await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, parameters, transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return position;
    }
}
