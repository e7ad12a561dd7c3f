using Homeserver.Services.Media;

namespace Homeserver.Storage.Media;

/// <summary>A row of <c>local_media_thumbnails</c> or <c>remote_media_thumbnails</c> (the same columns).</summary>
internal sealed class ThumbnailRow
{
    public const string Columns = """
        tier_width AS TierWidth, tier_height AS TierHeight, method AS Method, animated AS Animated,
        width AS Width, height AS Height, content_type AS ContentType, size_bytes AS SizeBytes,
        sha256 AS Sha256, created_ts AS CreatedTs
        """;

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

    public MediaThumbnail ToThumbnail(string mediaId) => new(mediaId,
        new ThumbnailSize(TierWidth, TierHeight, Method == "crop" ? ThumbnailMethod.Crop : ThumbnailMethod.Scale),
        Animated, Width, Height, ContentType, SizeBytes, Sha256, CreatedTs);

    /// <summary>The insert's parameters (<c>@mediaId</c>, <c>@tierWidth</c>, ...; <c>@serverName</c> for remote media).</summary>
    public static object Parameters(MediaThumbnail thumbnail, string? serverName = null) => new
    {
        serverName,
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
    };
}
