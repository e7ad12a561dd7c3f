using Homeserver.Core.Errors;

namespace Homeserver.Services.Media;

/// <summary>
/// Thumbnails of this server's media and of cached remote media: each request maps to a size tier
/// (<see cref="ThumbnailSizes"/>), generated on first request and stored (content store plus
/// <c>local_media_thumbnails</c> or <c>remote_media_thumbnails</c>), then served from the store.
/// </summary>
public sealed class ThumbnailService(MediaService media, IMediaThumbnailStore store, IMediaContentStore content,
    VipsThumbnailer thumbnailer, TimeProvider time, MediaContentWriter writer, IRemoteMediaCacheStore remoteStore)
{
    /// <summary>Requests beyond this are answered with the biggest tier anyway; it only bounds the parsing.</summary>
    public const int MaxRequestedDimension = 100_000;

    public async Task<MediaContent> GetAsync(string serverName, string mediaId, int width, int height,
        ThumbnailMethod method, bool animated, TimeSpan timeout, bool unauthenticated,
        CancellationToken cancellationToken, bool allowRemote = true)
    {
        if (width is < 1 or > MaxRequestedDimension || height is < 1 or > MaxRequestedDimension)
        {
            throw new MatrixException(ErrorCode.InvalidParam,
                $"width and height must be whole numbers from 1 to {MaxRequestedDimension}");
        }

        var source = await SourceAsync(serverName, mediaId, timeout, unauthenticated, allowRemote, cancellationToken);
        if (source.ContentType is not { } type || !type.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
        {
            throw new MatrixException(ErrorCode.Unknown, "Cannot generate thumbnails for the requested content");
        }

        var tier = ThumbnailSizes.Select(width, height, method);
        var existing = (await source.ListAsync(cancellationToken))
            .FirstOrDefault(t => t.Tier == tier && t.Animated == animated);
        if (existing is not null && await content.OpenReadAsync(existing.Sha256, cancellationToken) is { } stored)
        {
            return Serve(stored, existing.ContentType, existing.SizeBytes, existing.Sha256);
        }

        var image = await thumbnailer.GenerateAsync(async ct =>
                await content.OpenReadAsync(source.Sha256, ct) ?? throw new MatrixException(ErrorCode.NotFound,
                    "Media not found"),
            tier, animated, cancellationToken);
        StoredContent kept;
        using (var bytes = new MemoryStream(image.Bytes, writable: false))
        {
            kept = await writer.StoreAsync(bytes, long.MaxValue, (stored, ct) => source.InsertAsync(
                new MediaThumbnail(mediaId, tier, animated, image.Width, image.Height, image.ContentType,
                    stored.Length, stored.Sha256, time.GetUtcNow().ToUnixTimeMilliseconds()), ct), cancellationToken);
        }

        return Serve(new MemoryStream(image.Bytes, writable: false), image.ContentType, kept.Length, kept.Sha256);
    }

    private async Task<ThumbnailSource> SourceAsync(string serverName, string mediaId, TimeSpan timeout,
        bool unauthenticated, bool allowRemote, CancellationToken cancellationToken)
    {
        if (media.IsLocal(serverName))
        {
            var local = await media.GetUploadedAsync(serverName, mediaId, timeout, unauthenticated, cancellationToken);
            return new ThumbnailSource(local.ContentType, local.Sha256!,
                ct => store.GetThumbnailsAsync(mediaId, ct),
                async (thumbnail, ct) =>
                {
                    // Kept even when a concurrent request stored this tier first: the content is the same.
                    await store.InsertThumbnailAsync(thumbnail, ct);
                    return true;
                });
        }

        var remote = await media.GetRemoteAsync(serverName, mediaId, timeout, unauthenticated, allowRemote,
            cancellationToken);
        return new ThumbnailSource(remote.ContentType, remote.Sha256,
            ct => remoteStore.GetThumbnailsAsync(serverName, mediaId, ct),
            (thumbnail, ct) => remoteStore.InsertThumbnailAsync(serverName, thumbnail, ct));
    }

    private sealed record ThumbnailSource(string? ContentType, string Sha256,
        Func<CancellationToken, Task<IReadOnlyList<MediaThumbnail>>> ListAsync,
        Func<MediaThumbnail, CancellationToken, Task<bool>> InsertAsync);

    private static MediaContent Serve(Stream stream, string contentType, long length, string sha256) =>
        new(stream, contentType, "thumbnail." + contentType["image/".Length..].Replace("jpeg", "jpg",
            StringComparison.Ordinal), length, sha256);
}
