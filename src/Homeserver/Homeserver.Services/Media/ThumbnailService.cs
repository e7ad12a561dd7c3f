using Homeserver.Core.Errors;

namespace Homeserver.Services.Media;

/// <summary>
/// Thumbnails of this server's media: each request maps to a size tier (<see cref="ThumbnailSizes"/>), generated on
/// first request and stored (content store plus <c>local_media_thumbnails</c>), then served from the store.
/// </summary>
public sealed class ThumbnailService(MediaService media, IMediaThumbnailStore store, IMediaContentStore content,
    VipsThumbnailer thumbnailer, TimeProvider time)
{
    /// <summary>Requests beyond this are answered with the biggest tier anyway; it only bounds the parsing.</summary>
    public const int MaxRequestedDimension = 100_000;

    public async Task<MediaContent> GetAsync(string serverName, string mediaId, int width, int height,
        ThumbnailMethod method, bool animated, TimeSpan timeout, bool unauthenticated,
        CancellationToken cancellationToken)
    {
        if (width is < 1 or > MaxRequestedDimension || height is < 1 or > MaxRequestedDimension)
        {
            throw new MatrixException(ErrorCode.InvalidParam,
                $"width and height must be whole numbers from 1 to {MaxRequestedDimension}");
        }

        var source = await media.GetUploadedAsync(serverName, mediaId, timeout, unauthenticated, cancellationToken);
        if (source.ContentType is not { } type || !type.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
        {
            throw new MatrixException(ErrorCode.Unknown, "Cannot generate thumbnails for the requested content");
        }

        var tier = ThumbnailSizes.Select(width, height, method);
        var existing = (await store.GetThumbnailsAsync(mediaId, cancellationToken))
            .FirstOrDefault(t => t.Tier == tier && t.Animated == animated);
        if (existing is not null && await content.OpenReadAsync(existing.Sha256, cancellationToken) is { } stored)
        {
            return Serve(stored, existing.ContentType, existing.SizeBytes, existing.Sha256);
        }

        var image = await thumbnailer.GenerateAsync(async ct =>
                await content.OpenReadAsync(source.Sha256!, ct) ?? throw new MatrixException(ErrorCode.NotFound,
                    "Media not found"),
            tier, animated, cancellationToken);
        StoredContent kept;
        using (var bytes = new MemoryStream(image.Bytes, writable: false))
        {
            kept = await content.PutAsync(bytes, long.MaxValue, cancellationToken);
        }

        await store.InsertThumbnailAsync(new MediaThumbnail(mediaId, tier, animated, image.Width, image.Height,
            image.ContentType, kept.Length, kept.Sha256, time.GetUtcNow().ToUnixTimeMilliseconds()), cancellationToken);
        return Serve(new MemoryStream(image.Bytes, writable: false), image.ContentType, kept.Length, kept.Sha256);
    }

    private static MediaContent Serve(Stream stream, string contentType, long length, string sha256) =>
        new(stream, contentType, "thumbnail." + contentType["image/".Length..].Replace("jpeg", "jpg",
            StringComparison.Ordinal), length, sha256);
}
