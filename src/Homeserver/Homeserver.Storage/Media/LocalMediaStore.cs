using Dapper;
using Homeserver.Services.Media;
using Npgsql;

namespace Homeserver.Storage.Media;

/// <summary>
/// The <c>local_media</c> table (migration 0022): media_id text PRIMARY KEY, uploader, created_ts, unused_expires_at,
/// content_type, upload_name, size_bytes, sha256 (null while an async upload is pending), uploaded_ts, last_access_ts,
/// authenticated, quarantined_by and safe_from_quarantine (migration 0041).
/// </summary>
public sealed class LocalMediaStore(NpgsqlDataSource dataSource) : IMediaStore
{
    private const string Columns = """
        media_id AS MediaId, uploader AS Uploader, created_ts AS CreatedTs, unused_expires_at AS UnusedExpiresAt,
        content_type AS ContentType, upload_name AS UploadName, size_bytes AS SizeBytes, sha256 AS Sha256,
        last_access_ts AS LastAccessTs, authenticated AS Authenticated, quarantined_by AS QuarantinedBy
        """;

    private const string InsertUploadedSql = """
        INSERT INTO local_media (media_id, uploader, created_ts, content_type, upload_name, size_bytes, sha256,
                                 uploaded_ts, last_access_ts, authenticated)
        VALUES (@MediaId, @Uploader, @CreatedTs, @ContentType, @UploadName, @SizeBytes, @Sha256,
                @CreatedTs, @LastAccessTs, @Authenticated)
        """;

    // The count and the insert are one statement; concurrent creates of one user may still pass the limit together
    // (read committed), which only loosens a soft limit by the number of requests in flight.
    private const string InsertPendingSql = """
        INSERT INTO local_media (media_id, uploader, created_ts, unused_expires_at, last_access_ts, authenticated)
        SELECT @MediaId, @Uploader, @CreatedTs, @UnusedExpiresAt, @LastAccessTs, @Authenticated
        WHERE (SELECT count(*) FROM local_media
               WHERE uploader = @Uploader AND sha256 IS NULL AND unused_expires_at > @now) < @maxPending
        """;

    private const string CompleteSql = """
        UPDATE local_media
        SET content_type = @contentType, upload_name = @uploadName, size_bytes = @size, sha256 = @sha256,
            uploaded_ts = @now, last_access_ts = @now
        WHERE media_id = @mediaId AND sha256 IS NULL
        """;

    private const string SelectSql = $"SELECT {Columns} FROM local_media WHERE media_id = @mediaId";

    private const string TouchSql = "UPDATE local_media SET last_access_ts = @now WHERE media_id = @mediaId";

    private const string UploadedBytesSql = """
        SELECT coalesce(sum(size_bytes), 0)::bigint FROM local_media WHERE uploader = @uploader AND sha256 IS NOT NULL
        """;

    // Held to commit: the quota's sum and the insert of one user's uploads happen one at a time, in every process.
    private const string QuotaLockSql = "SELECT pg_advisory_xact_lock(hashtextextended('media.quota:' || @uploader, 1))";

    private const string InsertWithinQuotaSql = """
        INSERT INTO local_media (media_id, uploader, created_ts, content_type, upload_name, size_bytes, sha256,
                                 uploaded_ts, last_access_ts, authenticated)
        SELECT @MediaId, @Uploader, @CreatedTs, @ContentType, @UploadName, @SizeBytes, @Sha256,
               @CreatedTs, @LastAccessTs, @Authenticated
        WHERE (SELECT coalesce(sum(size_bytes), 0) FROM local_media WHERE uploader = @Uploader AND sha256 IS NOT NULL)
              + @SizeBytes <= @quota
        """;

    private const string CompleteWithinQuotaSql = $"""
        {CompleteSql}
          AND (SELECT coalesce(sum(size_bytes), 0) FROM local_media WHERE uploader = @uploader AND sha256 IS NOT NULL)
              + @size <= @quota
        """;

    private const string IsPendingSql = "SELECT EXISTS (SELECT 1 FROM local_media WHERE media_id = @mediaId AND sha256 IS NULL)";

    public async Task InsertUploadedAsync(LocalMedia media, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertUploadedSql, media,
            cancellationToken: cancellationToken));
    }

    public async Task<bool> TryInsertPendingAsync(LocalMedia media, int maxPending, long now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(media);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(InsertPendingSql, new
        {
            media.MediaId,
            media.Uploader,
            media.CreatedTs,
            media.UnusedExpiresAt,
            media.LastAccessTs,
            media.Authenticated,
            now,
            maxPending = (long)maxPending,
        }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<bool> CompletePendingAsync(string mediaId, string contentType, string? uploadName,
        StoredContent content, long now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(CompleteSql, new
        {
            mediaId,
            contentType,
            uploadName,
            size = content.Length,
            sha256 = content.Sha256,
            now,
        }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<LocalMedia?> GetAsync(string mediaId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<MediaRow>(new CommandDefinition(SelectSql, new { mediaId },
            cancellationToken: cancellationToken));
        return row is null
            ? null
            : new LocalMedia(row.MediaId, row.Uploader, row.CreatedTs, row.UnusedExpiresAt, row.ContentType,
                row.UploadName, row.SizeBytes, row.Sha256, row.LastAccessTs, row.Authenticated, row.QuarantinedBy);
    }

    public async Task TouchAsync(string mediaId, long now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(TouchSql, new { mediaId, now },
            cancellationToken: cancellationToken));
    }

    public async Task<long> UploadedBytesAsync(string uploader, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(UploadedBytesSql, new { uploader },
            cancellationToken: cancellationToken));
    }

    public async Task<bool> TryInsertUploadedAsync(LocalMedia media, long quotaBytes,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(media);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(QuotaLockSql, new { uploader = media.Uploader },
            transaction, cancellationToken: cancellationToken));
        var inserted = await connection.ExecuteAsync(new CommandDefinition(InsertWithinQuotaSql, new
        {
            media.MediaId,
            media.Uploader,
            media.CreatedTs,
            media.ContentType,
            media.UploadName,
            media.SizeBytes,
            media.Sha256,
            media.LastAccessTs,
            media.Authenticated,
            quota = quotaBytes,
        }, transaction, cancellationToken: cancellationToken)) == 1;
        await transaction.CommitAsync(cancellationToken);
        return inserted;
    }

    public async Task<PendingCompletion> TryCompletePendingAsync(string mediaId, string uploader, string contentType,
        string? uploadName, StoredContent content, long now, long quotaBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(QuotaLockSql, new { uploader }, transaction,
            cancellationToken: cancellationToken));
        var completed = await connection.ExecuteAsync(new CommandDefinition(CompleteWithinQuotaSql, new
        {
            mediaId,
            uploader,
            contentType,
            uploadName,
            size = content.Length,
            sha256 = content.Sha256,
            now,
            quota = quotaBytes,
        }, transaction, cancellationToken: cancellationToken)) == 1;
        var outcome = completed ? PendingCompletion.Completed
            : await connection.ExecuteScalarAsync<bool>(new CommandDefinition(IsPendingSql, new { mediaId },
                transaction, cancellationToken: cancellationToken)) ? PendingCompletion.OverQuota
            : PendingCompletion.NotPending;
        await transaction.CommitAsync(cancellationToken);
        return outcome;
    }

    private sealed class MediaRow
    {
        public string MediaId { get; set; } = "";

        public string Uploader { get; set; } = "";

        public long CreatedTs { get; set; }

        public long? UnusedExpiresAt { get; set; }

        public string? ContentType { get; set; }

        public string? UploadName { get; set; }

        public long? SizeBytes { get; set; }

        public string? Sha256 { get; set; }

        public long LastAccessTs { get; set; }

        public bool Authenticated { get; set; }

        public string? QuarantinedBy { get; set; }
    }
}
