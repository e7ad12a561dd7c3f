namespace Homeserver.Services.Media;

/// <summary>Content copied and hashed into the store but not yet readable under its hash.</summary>
public interface IStagedMediaContent : IAsyncDisposable
{
    StoredContent Content { get; }

    /// <summary>Makes the content readable under its hash (dropping this copy when the store holds it already).</summary>
    Task CommitAsync(CancellationToken cancellationToken);
}

/// <summary>
/// One lock per content hash, shared by every process of the server: whoever makes a row name a content (an upload, a
/// thumbnail, a remote cache entry) places the file and records the row under it, and whoever deletes a content file
/// checks under it that no row names the content. So an upload of content that retention is deleting either finds the
/// file gone and writes its own, or makes its row visible before the check.
/// </summary>
public interface IMediaContentGuard
{
    /// <summary>Waits for the content's lock; disposing the hold releases it.</summary>
    Task<IMediaContentHold> HoldAsync(string sha256, CancellationToken cancellationToken);
}

public interface IMediaContentHold : IAsyncDisposable
{
    /// <summary>Whether any row (local media, thumbnails, remote cache) names the held content.</summary>
    Task<bool> IsReferencedAsync(CancellationToken cancellationToken);
}

/// <summary>Deleting media rows for retention (<c>local_media</c>, <c>remote_media_cache</c> and their thumbnails).</summary>
public interface IMediaRetentionStore
{
    /// <summary>
    /// Holds the retention job's lock if no other process does (null otherwise, or waits for it when
    /// <paramref name="wait"/>); released when disposed or when the process ends.
    /// </summary>
    Task<IAsyncDisposable?> TryHoldJobAsync(bool wait, CancellationToken cancellationToken);

    /// <summary>Deletes up to <paramref name="limit"/> uploaded local media last accessed before the cutoff, with
    /// their thumbnails; the content hashes they named.</summary>
    Task<DeletedMedia> DeleteLocalAccessedBeforeAsync(long cutoff, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes up to <paramref name="limit"/> cached remote media last accessed before the cutoff.</summary>
    Task<DeletedMedia> DeleteRemoteAccessedBeforeAsync(long cutoff, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes media IDs made by /create whose upload never came before they expired; how many.</summary>
    Task<int> DeleteExpiredPendingAsync(long now, CancellationToken cancellationToken);
}

/// <param name="Count">Media rows deleted.</param>
/// <param name="Sha256s">The distinct content hashes the deleted rows and their thumbnails named.</param>
public sealed record DeletedMedia(int Count, IReadOnlyList<string> Sha256s);

/// <summary>Media of other servers kept here (<c>remote_media_cache</c>, <c>remote_media_thumbnails</c>).</summary>
public interface IRemoteMediaCacheStore
{
    Task<CachedRemoteMedia?> GetAsync(string serverName, string mediaId, CancellationToken cancellationToken);

    /// <summary>Records a fetched media; false when a concurrent fetch recorded it first (that row stays).</summary>
    Task<bool> InsertAsync(CachedRemoteMedia media, CancellationToken cancellationToken);

    Task TouchAsync(string serverName, string mediaId, long now, CancellationToken cancellationToken);

    Task<IReadOnlyList<MediaThumbnail>> GetThumbnailsAsync(string serverName, string mediaId,
        CancellationToken cancellationToken);

    /// <summary>Records a thumbnail; false when one for the tier exists (or the media left the cache meanwhile).</summary>
    Task<bool> InsertThumbnailAsync(string serverName, MediaThumbnail thumbnail, CancellationToken cancellationToken);
}

/// <summary>One row of <c>remote_media_cache</c>; <see cref="QuarantinedBy"/> set: served to nobody.</summary>
public sealed record CachedRemoteMedia(
    string ServerName,
    string MediaId,
    string ContentType,
    string? UploadName,
    long SizeBytes,
    string Sha256,
    long CreatedTs,
    long LastAccessTs,
    string? QuarantinedBy = null);
