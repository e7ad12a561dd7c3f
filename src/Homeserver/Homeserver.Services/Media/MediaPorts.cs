namespace Homeserver.Services.Media;

/// <summary>
/// Where media bytes live, addressed by their SHA-256 (lower-case hex): the same content is stored once. The local
/// implementation keeps files under the data directory; an S3-compatible one can take its place.
/// </summary>
public interface IMediaContentStore
{
    /// <summary>
    /// Copies <paramref name="source"/> into the store while hashing it, never holding it whole in memory. More than
    /// <paramref name="maxBytes"/> is 413 M_TOO_LARGE and nothing is kept.
    /// </summary>
    Task<StoredContent> PutAsync(Stream source, long maxBytes, CancellationToken cancellationToken);

    /// <summary>A seekable stream of the content, or null when the store does not hold it.</summary>
    Task<Stream?> OpenReadAsync(string sha256, CancellationToken cancellationToken);

    /// <summary>
    /// Copies and hashes like <see cref="PutAsync"/>, but the content is readable under its hash only after
    /// <see cref="IStagedMediaContent.CommitAsync"/>; disposing an uncommitted copy drops it.
    /// </summary>
    Task<IStagedMediaContent> StageAsync(Stream source, long maxBytes, CancellationToken cancellationToken);

    /// <summary>Deletes the content; its size when it was there, else null.</summary>
    Task<long?> DeleteAsync(string sha256, CancellationToken cancellationToken);
}

public sealed record StoredContent(string Sha256, long Length);

/// <summary>Metadata of media uploaded to this server (<c>local_media</c>).</summary>
public interface IMediaStore
{
    Task InsertUploadedAsync(LocalMedia media, CancellationToken cancellationToken);

    /// <summary>
    /// Records a media ID made by /create unless the uploader already holds <paramref name="maxPending"/> pending
    /// (not uploaded, not expired) ones; false then.
    /// </summary>
    Task<bool> TryInsertPendingAsync(LocalMedia media, int maxPending, long now, CancellationToken cancellationToken);

    /// <summary>Fills in a pending row's content; false when the row is no longer pending (already uploaded).</summary>
    Task<bool> CompletePendingAsync(string mediaId, string contentType, string? uploadName, StoredContent content,
        long now, CancellationToken cancellationToken);

    Task<LocalMedia?> GetAsync(string mediaId, CancellationToken cancellationToken);

    /// <summary>Records a download (<c>last_access_ts</c>, for retention).</summary>
    Task TouchAsync(string mediaId, long now, CancellationToken cancellationToken);

    /// <summary>Total bytes of the user's uploaded media (the quota's measure).</summary>
    Task<long> UploadedBytesAsync(string uploader, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="InsertUploadedAsync"/> unless the uploader's uploads would then exceed <paramref name="quotaBytes"/>
    /// (false); checked and inserted under a per-user lock, so concurrent uploads cannot pass the quota together.
    /// </summary>
    Task<bool> TryInsertUploadedAsync(LocalMedia media, long quotaBytes, CancellationToken cancellationToken);

    /// <summary><see cref="CompletePendingAsync"/> within the quota, checked as <see cref="TryInsertUploadedAsync"/>.</summary>
    Task<PendingCompletion> TryCompletePendingAsync(string mediaId, string uploader, string contentType,
        string? uploadName, StoredContent content, long now, long quotaBytes, CancellationToken cancellationToken);
}

public enum PendingCompletion
{
    Completed,
    NotPending,
    OverQuota,
}

/// <summary>Thumbnails generated from local media (<c>local_media_thumbnails</c>).</summary>
public interface IMediaThumbnailStore
{
    Task<IReadOnlyList<MediaThumbnail>> GetThumbnailsAsync(string mediaId, CancellationToken cancellationToken);

    /// <summary>Records a thumbnail; one made meanwhile by a concurrent request for the same tier is kept.</summary>
    Task InsertThumbnailAsync(MediaThumbnail thumbnail, CancellationToken cancellationToken);
}

/// <summary>One row of <c>local_media</c>; <see cref="Sha256"/> is null while an async upload is pending, and a
/// media an admin quarantined (<see cref="QuarantinedBy"/>) is served to nobody.</summary>
public sealed record LocalMedia(
    string MediaId,
    string Uploader,
    long CreatedTs,
    long? UnusedExpiresAt,
    string? ContentType,
    string? UploadName,
    long? SizeBytes,
    string? Sha256,
    long LastAccessTs,
    bool Authenticated,
    string? QuarantinedBy = null)
{
    public bool IsUploaded => Sha256 is not null;
}

/// <summary>A stored thumbnail: made for the size tier (<see cref="Tier"/>), its own dimensions may be smaller.</summary>
public sealed record MediaThumbnail(
    string MediaId,
    ThumbnailSize Tier,
    bool Animated,
    int Width,
    int Height,
    string ContentType,
    long SizeBytes,
    string Sha256,
    long CreatedTs);

/// <summary>
/// Fetches media of other servers (federation's <c>/_matrix/federation/v1/media</c>). Not registered until federation
/// exists: without it, media of other servers is 404 M_NOT_FOUND. With it, <see cref="RemoteMediaCache"/> fetches
/// each media once and serves it from the content store afterwards.
/// </summary>
public interface IRemoteMediaFetcher
{
    /// <summary>
    /// The media, or null when the other server says it has none (404). Cancelled when the client's timeout passes;
    /// any other failure is answered 502.
    /// </summary>
    Task<RemoteMediaDownload?> DownloadAsync(string serverName, string mediaId, TimeSpan timeout,
        CancellationToken cancellationToken);
}

/// <summary>A remote server's answer: its body (the caller disposes it) and what it said of it.</summary>
public sealed record RemoteMediaDownload(Stream Content, string? ContentType, string? FileName);

/// <summary>Content ready to serve: a seekable stream the caller disposes.</summary>
public sealed record MediaContent(Stream Content, string ContentType, string? FileName, long Length, string Sha256);
