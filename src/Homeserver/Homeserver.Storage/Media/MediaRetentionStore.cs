using Dapper;
using Homeserver.Services.Media;
using Homeserver.Storage.Postgres;
using Npgsql;

namespace Homeserver.Storage.Media;

/// <summary>
/// Retention's deletes over <c>local_media</c>, <c>local_media_thumbnails</c> (migration 0022), <c>remote_media_cache</c>
/// and <c>remote_media_thumbnails</c> (migration 0024). Each batch is one statement: the rows it picks are deleted with
/// their thumbnails, and the hashes of both come back. The access time is checked again in the delete, so a download
/// recorded meanwhile keeps its media.
/// </summary>
public sealed class MediaRetentionStore(NpgsqlDataSource dataSource) : IMediaRetentionStore
{
    private const string DeleteLocalSql = """
        WITH picked AS (
            SELECT media_id FROM local_media
            WHERE sha256 IS NOT NULL AND last_access_ts < @cutoff
            ORDER BY last_access_ts LIMIT @limit
        ), thumbnails AS (
            DELETE FROM local_media_thumbnails t USING picked p WHERE t.media_id = p.media_id RETURNING t.sha256
        ), media AS (
            DELETE FROM local_media m USING picked p
            WHERE m.media_id = p.media_id AND m.last_access_ts < @cutoff
            RETURNING m.sha256
        )
        SELECT (SELECT count(*) FROM media)::int AS Count,
               ARRAY(SELECT sha256 FROM media UNION SELECT sha256 FROM thumbnails) AS Sha256s
        """;

    private const string DeleteRemoteSql = """
        WITH picked AS (
            SELECT server_name, media_id FROM remote_media_cache
            WHERE last_access_ts < @cutoff
            ORDER BY last_access_ts LIMIT @limit
        ), thumbnails AS (
            DELETE FROM remote_media_thumbnails t USING picked p
            WHERE t.server_name = p.server_name AND t.media_id = p.media_id
            RETURNING t.sha256
        ), media AS (
            DELETE FROM remote_media_cache m USING picked p
            WHERE m.server_name = p.server_name AND m.media_id = p.media_id AND m.last_access_ts < @cutoff
            RETURNING m.sha256
        )
        SELECT (SELECT count(*) FROM media)::int AS Count,
               ARRAY(SELECT sha256 FROM media UNION SELECT sha256 FROM thumbnails) AS Sha256s
        """;

    private const string DeleteExpiredPendingSql =
        "DELETE FROM local_media WHERE sha256 IS NULL AND unused_expires_at <= @now";

    public async Task<IAsyncDisposable?> TryHoldJobAsync(bool wait, CancellationToken cancellationToken) =>
        await AdvisoryHold.TryAcquireAsync(dataSource, "media.retention", wait, cancellationToken);

    public Task<DeletedMedia> DeleteLocalAccessedBeforeAsync(long cutoff, int limit,
        CancellationToken cancellationToken) =>
        DeleteAsync(DeleteLocalSql, cutoff, limit, cancellationToken);

    public Task<DeletedMedia> DeleteRemoteAccessedBeforeAsync(long cutoff, int limit,
        CancellationToken cancellationToken) =>
        DeleteAsync(DeleteRemoteSql, cutoff, limit, cancellationToken);

    public async Task<int> DeleteExpiredPendingAsync(long now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteExpiredPendingSql, new { now },
            cancellationToken: cancellationToken));
    }

    private async Task<DeletedMedia> DeleteAsync(string sql, long cutoff, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<DeletedRow>(new CommandDefinition(sql, new { cutoff, limit },
            cancellationToken: cancellationToken));
        return new DeletedMedia(row.Count, row.Sha256s);
    }

    private sealed class DeletedRow
    {
        public int Count { get; set; }

        public string[] Sha256s { get; set; } = [];
    }
}
