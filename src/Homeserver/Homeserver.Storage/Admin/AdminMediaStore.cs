using Dapper;
using Homeserver.Services.Admin;
using Homeserver.Services.Media;
using Npgsql;

namespace Homeserver.Storage.Admin;

/// <summary>
/// The admin API over <c>local_media</c> (with <c>quarantined_by</c> and <c>safe_from_quarantine</c>, migration 0041),
/// <c>remote_media_cache</c> and their thumbnail tables. Deletes return the content hashes the rows named: the caller
/// releases the content files (<see cref="MediaContentWriter.ReleaseAsync"/>), which keeps a file still named elsewhere.
/// </summary>
public sealed class AdminMediaStore(NpgsqlDataSource dataSource) : IAdminMediaStore
{
    private const string CountByUploaderSql = "SELECT count(*) FROM local_media WHERE uploader = @uploader";

    // Followed by the ORDER BY (a column picked from AdminMediaOrder, never the client's text).
    private const string PageByUploaderSql = """
        SELECT media_id AS MediaId, uploader AS Uploader, content_type AS ContentType, size_bytes AS SizeBytes,
               upload_name AS UploadName, created_ts AS CreatedTs, last_access_ts AS LastAccessTs,
               quarantined_by AS QuarantinedBy, safe_from_quarantine AS SafeFromQuarantine,
               authenticated AS Authenticated, sha256 AS Sha256
        FROM local_media WHERE uploader = @uploader
        """;

    // A media is kept when its mxc URI is a user's avatar (global profile or a room's member event) or a room avatar.
    private const string LocalIdsToDeleteSql = """
        WITH avatars AS (
            SELECT avatar_url AS mxc FROM profiles WHERE @keepProfiles AND avatar_url LIKE @prefix || '%'
            UNION
            SELECT (e.json::jsonb) -> 'content' ->> CASE cs.type WHEN 'm.room.member' THEN 'avatar_url' ELSE 'url' END
            FROM current_state cs JOIN events e ON e.event_id = cs.event_id
            WHERE @keepProfiles AND cs.type IN ('m.room.member', 'm.room.avatar')
        )
        SELECT media_id FROM local_media m
        WHERE sha256 IS NOT NULL AND last_access_ts < @beforeTs AND size_bytes > @sizeGreaterThan
          AND quarantined_by IS NULL AND NOT safe_from_quarantine
          AND NOT EXISTS (SELECT 1 FROM avatars a WHERE a.mxc = @prefix || m.media_id)
        ORDER BY last_access_ts, media_id
        """;

    private const string DeleteLocalSql = """
        WITH thumbnails AS (
            DELETE FROM local_media_thumbnails WHERE media_id = ANY(@mediaIds) RETURNING sha256
        ), media AS (
            DELETE FROM local_media WHERE media_id = ANY(@mediaIds) RETURNING media_id, sha256
        )
        SELECT ARRAY(SELECT media_id FROM media ORDER BY media_id) AS MediaIds,
               ARRAY(SELECT sha256 FROM media WHERE sha256 IS NOT NULL UNION SELECT sha256 FROM thumbnails) AS Sha256s
        """;

    private const string DeleteRemoteSql = """
        WITH picked AS (
            SELECT server_name, media_id FROM remote_media_cache
            WHERE last_access_ts < @beforeTs AND quarantined_by IS NULL
            ORDER BY last_access_ts LIMIT @limit
        ), thumbnails AS (
            DELETE FROM remote_media_thumbnails t USING picked p
            WHERE t.server_name = p.server_name AND t.media_id = p.media_id
            RETURNING t.sha256
        ), media AS (
            DELETE FROM remote_media_cache m USING picked p
            WHERE m.server_name = p.server_name AND m.media_id = p.media_id
            RETURNING m.sha256
        )
        SELECT (SELECT count(*) FROM media)::int AS Count,
               ARRAY(SELECT sha256 FROM media UNION SELECT sha256 FROM thumbnails) AS Sha256s
        """;

    // The content of the named media is found first; then every row with that content changes with them (as Synapse
    // does: the same bytes uploaded again under another ID must not escape a quarantine).
    private const string SetQuarantineSql = """
        WITH named_local AS (
            SELECT media_id, sha256 FROM local_media
            WHERE media_id = ANY(@localIds) AND (@by IS NULL OR NOT safe_from_quarantine)
        ), named_remote AS (
            SELECT c.server_name, c.media_id, c.sha256
            FROM remote_media_cache c
            JOIN unnest(@servers, @remoteIds) AS r(server_name, media_id)
              ON c.server_name = r.server_name AND c.media_id = r.media_id
        ), hashes AS (
            SELECT sha256 FROM named_local WHERE sha256 IS NOT NULL UNION SELECT sha256 FROM named_remote
        ), changed_local AS (
            UPDATE local_media SET quarantined_by = @by
            WHERE (@by IS NULL OR NOT safe_from_quarantine)
              AND (media_id IN (SELECT media_id FROM named_local) OR sha256 IN (SELECT sha256 FROM hashes))
            RETURNING 1
        ), changed_remote AS (
            UPDATE remote_media_cache SET quarantined_by = @by
            WHERE (server_name, media_id) IN (SELECT server_name, media_id FROM named_remote)
               OR sha256 IN (SELECT sha256 FROM hashes)
            RETURNING 1
        )
        SELECT ((SELECT count(*) FROM changed_local) + (SELECT count(*) FROM changed_remote))::int
        """;

    private const string UnquarantinedIdsSql =
        "SELECT media_id FROM local_media WHERE uploader = @uploader AND quarantined_by IS NULL";

    private const string SetProtectedSql =
        "UPDATE local_media SET safe_from_quarantine = @isProtected WHERE media_id = @mediaId";

    private const string ExistsSql = "SELECT EXISTS (SELECT 1 FROM local_media WHERE media_id = @mediaId)";

    private const string UrlsInRoomSql = """
        SELECT u.url
        FROM (SELECT stream_ordering, (json::jsonb) -> 'content' AS content FROM events
              WHERE room_id = @roomId AND contains_url AND NOT outlier) e,
             LATERAL (VALUES (1, CASE WHEN jsonb_typeof(e.content -> 'url') = 'string' THEN e.content ->> 'url' END),
                             (2, CASE WHEN jsonb_typeof(e.content -> 'info' -> 'thumbnail_url') = 'string'
                                      THEN e.content -> 'info' ->> 'thumbnail_url' END)) AS u(rank, url)
        WHERE u.url IS NOT NULL
        ORDER BY e.stream_ordering DESC, u.rank
        """;

    public async Task<(IReadOnlyList<AdminMediaRow> Media, long Total)> ListByUploaderAsync(string uploader,
        AdminMediaOrder order, bool backwards, AdminPage page, CancellationToken cancellationToken)
    {
        // Ties are broken by media ID so that pages never overlap.
        var sql = $"{PageByUploaderSql} ORDER BY {ColumnOf(order)} {(backwards ? "DESC" : "ASC")}, media_id ASC " +
                  "LIMIT @limit OFFSET @offset";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountByUploaderSql,
            new { uploader }, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<AdminMediaRow>(new CommandDefinition(sql,
            new { uploader, limit = page.Limit, offset = page.From }, cancellationToken: cancellationToken));
        return (rows.ToList(), total);
    }

    public async Task<IReadOnlyList<string>> LocalIdsToDeleteAsync(long beforeTs, long sizeGreaterThan,
        bool keepProfiles, string mxcPrefix, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var ids = await connection.QueryAsync<string>(new CommandDefinition(LocalIdsToDeleteSql,
            new { beforeTs, sizeGreaterThan, keepProfiles, prefix = mxcPrefix }, cancellationToken: cancellationToken));
        return ids.ToList();
    }

    public async Task<(IReadOnlyList<string> MediaIds, IReadOnlyList<string> Sha256s)> DeleteLocalAsync(
        IReadOnlyList<string> mediaIds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<DeletedLocalRow>(new CommandDefinition(DeleteLocalSql,
            new { mediaIds = mediaIds.ToArray() }, cancellationToken: cancellationToken));
        return (row.MediaIds, row.Sha256s);
    }

    public async Task<DeletedMedia> DeleteRemoteAccessedBeforeAsync(long beforeTs, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<DeletedRemoteRow>(new CommandDefinition(DeleteRemoteSql,
            new { beforeTs, limit }, cancellationToken: cancellationToken));
        return new DeletedMedia(row.Count, row.Sha256s);
    }

    public async Task<int> SetQuarantineAsync(IReadOnlyList<string> localIds, IReadOnlyList<RemoteMediaKey> remote,
        string? quarantinedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(remote);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(SetQuarantineSql, new
        {
            localIds = localIds.ToArray(),
            by = quarantinedBy,
            servers = remote.Select(r => r.ServerName).ToArray(),
            remoteIds = remote.Select(r => r.MediaId).ToArray(),
        }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<string>> UnquarantinedIdsOfAsync(string uploader,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var ids = await connection.QueryAsync<string>(new CommandDefinition(UnquarantinedIdsSql, new { uploader },
            cancellationToken: cancellationToken));
        return ids.ToList();
    }

    public async Task SetProtectedAsync(string mediaId, bool isProtected, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(SetProtectedSql, new { mediaId, isProtected },
            cancellationToken: cancellationToken));
    }

    public async Task<bool> LocalExistsAsync(string mediaId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(ExistsSql, new { mediaId },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<string>> UrlsInRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var urls = await connection.QueryAsync<string>(new CommandDefinition(UrlsInRoomSql, new { roomId },
            cancellationToken: cancellationToken));
        return urls.ToList();
    }

    private static string ColumnOf(AdminMediaOrder order) => order switch
    {
        AdminMediaOrder.MediaId => "media_id",
        AdminMediaOrder.UploadName => "upload_name",
        AdminMediaOrder.LastAccessTs => "last_access_ts",
        AdminMediaOrder.MediaLength => "size_bytes",
        AdminMediaOrder.MediaType => "content_type",
        AdminMediaOrder.QuarantinedBy => "quarantined_by",
        AdminMediaOrder.SafeFromQuarantine => "safe_from_quarantine",
        _ => "created_ts",
    };

    private sealed class DeletedLocalRow
    {
        public string[] MediaIds { get; set; } = [];

        public string[] Sha256s { get; set; } = [];
    }

    private sealed class DeletedRemoteRow
    {
        public int Count { get; set; }

        public string[] Sha256s { get; set; } = [];
    }
}
