using Dapper;
using Homeserver.Services.Media;
using Npgsql;

namespace Homeserver.Storage.Media;

/// <summary>
/// The <c>local_media_thumbnails</c> table (migration 0022): (media_id, tier_width, tier_height, method, animated)
/// PRIMARY KEY, width, height, content_type, size_bytes, sha256, created_ts.
/// </summary>
public sealed class MediaThumbnailStore(NpgsqlDataSource dataSource) : IMediaThumbnailStore
{
    private const string SelectSql = """
        SELECT tier_width AS TierWidth, tier_height AS TierHeight, method AS Method, animated AS Animated,
               width AS Width, height AS Height, content_type AS ContentType, size_bytes AS SizeBytes,
               sha256 AS Sha256, created_ts AS CreatedTs
        FROM local_media_thumbnails WHERE media_id = @mediaId
        """;

    private const string InsertSql = """
        INSERT INTO local_media_thumbnails (media_id, tier_width, tier_height, method, animated, width, height,
                                            content_type, size_bytes, sha256, created_ts)
        VALUES (@mediaId, @tierWidth, @tierHeight, @method, @animated, @width, @height, @contentType, @sizeBytes,
                @sha256, @createdTs)
        ON CONFLICT DO NOTHING
        """;

    public async Task<IReadOnlyList<MediaThumbnail>> GetThumbnailsAsync(string mediaId,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ThumbnailRow>(new CommandDefinition(SelectSql, new { mediaId },
            cancellationToken: cancellationToken));
        return rows.Select(r => new MediaThumbnail(mediaId,
            new ThumbnailSize(r.TierWidth, r.TierHeight, r.Method == "crop" ? ThumbnailMethod.Crop : ThumbnailMethod.Scale),
            r.Animated, r.Width, r.Height, r.ContentType, r.SizeBytes, r.Sha256, r.CreatedTs)).ToList();
    }

    public async Task InsertThumbnailAsync(MediaThumbnail thumbnail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(thumbnail);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            mediaId = thumbnail.MediaId,
            tierWidth = thumbnail.Tier.Width,
            tierHeight = thumbnail.Tier.Height,
            method = thumbnail.Tier.MethodName,
            animated = thumbnail.Animated,
            width = thumbnail.Width,
            height = thumbnail.Height,
            contentType = thumbnail.ContentType,
            sizeBytes = thumbnail.SizeBytes,
            sha256 = thumbnail.Sha256,
            createdTs = thumbnail.CreatedTs,
        }, cancellationToken: cancellationToken));
    }

    private sealed class ThumbnailRow
    {
        public int TierWidth { get; set; }

        public int TierHeight { get; set; }

        public string Method { get; set; } = "";

        public bool Animated { get; set; }

        public int Width { get; set; }

        public int Height { get; set; }

        public string ContentType { get; set; } = "";

        public long SizeBytes { get; set; }

        public string Sha256 { get; set; } = "";

        public long CreatedTs { get; set; }
    }
}
