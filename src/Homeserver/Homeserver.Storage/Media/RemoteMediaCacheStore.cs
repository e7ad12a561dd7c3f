using Dapper;
using Homeserver.Services.Media;
using Npgsql;

namespace Homeserver.Storage.Media;

/// <summary>
/// The <c>remote_media_cache</c> table (migration 0024): (server_name, media_id) PRIMARY KEY, content_type, upload_name,
/// size_bytes, sha256, created_ts, last_access_ts; and <c>remote_media_thumbnails</c>, keyed like
/// <c>local_media_thumbnails</c> with the server name, deleted with their media.
/// </summary>
public sealed class RemoteMediaCacheStore(NpgsqlDataSource dataSource) : IRemoteMediaCacheStore
{
    private const string SelectSql = """
        SELECT server_name AS ServerName, media_id AS MediaId, content_type AS ContentType, upload_name AS UploadName,
               size_bytes AS SizeBytes, sha256 AS Sha256, created_ts AS CreatedTs, last_access_ts AS LastAccessTs,
               quarantined_by AS QuarantinedBy
        FROM remote_media_cache WHERE server_name = @serverName AND media_id = @mediaId
        """;

    private const string InsertSql = """
        INSERT INTO remote_media_cache (server_name, media_id, content_type, upload_name, size_bytes, sha256, created_ts,
                                        last_access_ts)
        VALUES (@ServerName, @MediaId, @ContentType, @UploadName, @SizeBytes, @Sha256, @CreatedTs, @LastAccessTs)
        ON CONFLICT DO NOTHING
        """;

    private const string TouchSql = """
        UPDATE remote_media_cache SET last_access_ts = @now WHERE server_name = @serverName AND media_id = @mediaId
        """;

    private const string SelectThumbnailsSql = "SELECT " + ThumbnailRow.Columns +
        " FROM remote_media_thumbnails WHERE server_name = @serverName AND media_id = @mediaId";

    // The media may have left the cache since it was read (retention): then nothing is inserted.
    private const string InsertThumbnailSql = """
        INSERT INTO remote_media_thumbnails (server_name, media_id, tier_width, tier_height, method, animated, width,
                                             height, content_type, size_bytes, sha256, created_ts)
        SELECT @serverName, @mediaId, @tierWidth, @tierHeight, @method, @animated, @width, @height, @contentType,
               @sizeBytes, @sha256, @createdTs
        WHERE EXISTS (SELECT 1 FROM remote_media_cache WHERE server_name = @serverName AND media_id = @mediaId)
        ON CONFLICT DO NOTHING
        """;

    public async Task<CachedRemoteMedia?> GetAsync(string serverName, string mediaId,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CachedRow>(new CommandDefinition(SelectSql,
            new { serverName, mediaId }, cancellationToken: cancellationToken));
        return row is null
            ? null
            : new CachedRemoteMedia(row.ServerName, row.MediaId, row.ContentType, row.UploadName, row.SizeBytes,
                row.Sha256, row.CreatedTs, row.LastAccessTs, row.QuarantinedBy);
    }

    public async Task<bool> InsertAsync(CachedRemoteMedia media, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(InsertSql, media,
            cancellationToken: cancellationToken)) == 1;
    }

    public async Task TouchAsync(string serverName, string mediaId, long now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(TouchSql, new { serverName, mediaId, now },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<MediaThumbnail>> GetThumbnailsAsync(string serverName, string mediaId,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ThumbnailRow>(new CommandDefinition(SelectThumbnailsSql,
            new { serverName, mediaId }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToThumbnail(mediaId)).ToList();
    }

    public async Task<bool> InsertThumbnailAsync(string serverName, MediaThumbnail thumbnail,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(thumbnail);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(InsertThumbnailSql,
            ThumbnailRow.Parameters(thumbnail, serverName), cancellationToken: cancellationToken)) == 1;
    }

    private sealed class CachedRow
    {
        public string ServerName { get; set; } = "";

        public string MediaId { get; set; } = "";

        public string ContentType { get; set; } = "";

        public string? UploadName { get; set; }

        public long SizeBytes { get; set; }

        public string Sha256 { get; set; } = "";

        public long CreatedTs { get; set; }

        public long LastAccessTs { get; set; }

        public string? QuarantinedBy { get; set; }
    }

}
