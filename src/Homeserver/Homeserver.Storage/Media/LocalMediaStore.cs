using Dapper;
using Homeserver.Services.Media;
using Npgsql;

namespace Homeserver.Storage.Media;

/// <summary>
/// The <c>local_media</c> table (migration 0022): media_id text PRIMARY KEY, uploader, created_ts, unused_expires_at,
/// content_type, upload_name, size_bytes, sha256 (null while an async upload is pending), uploaded_ts, last_access_ts,
/// authenticated.
/// </summary>
public sealed class LocalMediaStore(NpgsqlDataSource dataSource) : IMediaStore
{
    private const string Columns = """
        media_id AS MediaId, uploader AS Uploader, created_ts AS CreatedTs, unused_expires_at AS UnusedExpiresAt,
        content_type AS ContentType, upload_name AS UploadName, size_bytes AS SizeBytes, sha256 AS Sha256,
        last_access_ts AS LastAccessTs, authenticated AS Authenticated
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
                row.UploadName, row.SizeBytes, row.Sha256, row.LastAccessTs, row.Authenticated);
    }

    public async Task TouchAsync(string mediaId, long now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(TouchSql, new { mediaId, now },
            cancellationToken: cancellationToken));
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
    }
}
