using Dapper;
using Homeserver.Services.Media;
using Npgsql;

namespace Homeserver.Storage.Media;

/// <summary>
/// The per-content lock of <see cref="IMediaContentGuard"/>: a transaction holding
/// <c>pg_advisory_xact_lock(hashtextextended('media.content:' || sha256, 1))</c> until the hold is disposed (or the
/// process dies and its connection with it). The reference check reads committed rows of every table that names a
/// content hash; a table added later that names one must be added here.
/// </summary>
public sealed class MediaContentGuard(NpgsqlDataSource dataSource) : IMediaContentGuard
{
    private const string LockSql = "SELECT pg_advisory_xact_lock(hashtextextended('media.content:' || @sha256, 1))";

    private const string ReferencedSql = """
        SELECT EXISTS (SELECT 1 FROM local_media WHERE sha256 = @sha256)
            OR EXISTS (SELECT 1 FROM local_media_thumbnails WHERE sha256 = @sha256)
            OR EXISTS (SELECT 1 FROM remote_media_cache WHERE sha256 = @sha256)
            OR EXISTS (SELECT 1 FROM remote_media_thumbnails WHERE sha256 = @sha256)
        """;

    public async Task<IMediaContentHold> HoldAsync(string sha256, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(LockSql, new { sha256 }, transaction,
                cancellationToken: cancellationToken));
            return new Hold(connection, transaction, sha256);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed class Hold(NpgsqlConnection connection, NpgsqlTransaction transaction, string sha256)
        : IMediaContentHold
    {
        public Task<bool> IsReferencedAsync(CancellationToken cancellationToken) =>
            connection.ExecuteScalarAsync<bool>(new CommandDefinition(ReferencedSql, new { sha256 }, transaction,
                cancellationToken: cancellationToken));

        public async ValueTask DisposeAsync()
        {
            // Nothing was written: ending the transaction only releases the lock; a rollback cannot fail for it.
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
