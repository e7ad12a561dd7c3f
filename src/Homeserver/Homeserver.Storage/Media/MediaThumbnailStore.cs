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
    private const string SelectSql =
        "SELECT " + ThumbnailRow.Columns + " FROM local_media_thumbnails WHERE media_id = @mediaId";

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
        return rows.Select(r => r.ToThumbnail(mediaId)).ToList();
    }

    public async Task InsertThumbnailAsync(MediaThumbnail thumbnail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(thumbnail);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, ThumbnailRow.Parameters(thumbnail),
            cancellationToken: cancellationToken));
    }
}
