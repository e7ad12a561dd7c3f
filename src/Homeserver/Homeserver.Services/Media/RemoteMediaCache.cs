using Homeserver.Core.Errors;
using Homeserver.Services.Configuration;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Media;

/// <summary>
/// Media of other servers: fetched once through <see cref="IRemoteMediaFetcher"/> (registered by federation), stored in
/// the content store with a <c>remote_media_cache</c> row, and served from here afterwards. Without a fetcher every
/// remote media is 404. Failures follow the spec's download answers: the client's <c>timeout_ms</c> passing before the
/// other server answered is 504 M_NOT_YET_UPLOADED, content over <c>Media:MaxUploadBytes</c> is 502 M_TOO_LARGE, any
/// other failure 502 M_UNKNOWN (as Synapse), and the other server having no such media 404. Media an admin quarantined is 404 too.
/// </summary>
public sealed partial class RemoteMediaCache(HomeserverSettings settings, IRemoteMediaCacheStore store,
    IMediaContentStore content, MediaContentWriter writer, TimeProvider time, ILogger<RemoteMediaCache> logger,
    IRemoteMediaFetcher? fetcher = null)
{
    private const int MaxContentTypeLength = 255;
    private const int MaxFileNameLength = 1024;
    private static readonly TimeSpan TouchGranularity = TimeSpan.FromHours(1);

    /// <summary>
    /// The cached media, fetched first when not cached and <paramref name="allowFetch"/> (the client's
    /// <c>allow_remote</c>); the access is recorded for retention.
    /// </summary>
    public async Task<CachedRemoteMedia> GetAsync(string serverName, string mediaId, bool allowFetch, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        if (fetcher is null || !MediaService.IsValidMediaId(mediaId))
        {
            throw NotFound();
        }

        var cached = await store.GetAsync(serverName, mediaId, cancellationToken);
        if (cached is null)
        {
            return allowFetch
                ? await FetchAsync(fetcher, serverName, mediaId, timeout, cancellationToken)
                : throw NotFound();
        }

        if (cached.QuarantinedBy is not null)
        {
            throw NotFound();
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (now - cached.LastAccessTs >= (long)TouchGranularity.TotalMilliseconds)
        {
            await store.TouchAsync(serverName, mediaId, now, cancellationToken);
        }

        return cached;
    }

    public async Task<MediaContent> OpenAsync(CachedRemoteMedia media, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(media);
        var stream = await content.OpenReadAsync(media.Sha256, cancellationToken) ?? throw NotFound();
        return new MediaContent(stream, media.ContentType, media.UploadName, media.SizeBytes, media.Sha256);
    }

    private async Task<CachedRemoteMedia> FetchAsync(IRemoteMediaFetcher remote, string serverName, string mediaId,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var download = await DownloadAsync(remote, serverName, mediaId, timeout, cancellationToken)
                       ?? throw NotFound();
        await using var body = download.Content;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        CachedRemoteMedia? recorded = null;
        try
        {
            await writer.StoreAsync(body, settings.Media.MaxUploadBytes, async (stored, ct) =>
            {
                recorded = new CachedRemoteMedia(serverName, mediaId, ContentTypeOf(download.ContentType),
                    FileNameOf(download.FileName), stored.Length, stored.Sha256, now, now);
                return await store.InsertAsync(recorded, ct);
            }, cancellationToken);
        }
        catch (MatrixException e) when (e.Code == ErrorCode.TooLarge)
        {
            throw new MatrixException(ErrorCode.TooLarge, "The remote content is too large to serve", 502);
        }
        catch (IOException e)
        {
            LogFetchFailed(logger, serverName, mediaId, e);
            throw FetchFailed();
        }

        LogCached(logger, serverName, mediaId, recorded!.SizeBytes);
        // A concurrent fetch may have recorded the media first; its row is the one served from now on.
        return await store.GetAsync(serverName, mediaId, cancellationToken) ?? recorded;
    }

    private async Task<RemoteMediaDownload?> DownloadAsync(IRemoteMediaFetcher remote, string serverName,
        string mediaId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            return await remote.DownloadAsync(serverName, mediaId, timeout, linked.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested &&
                                  (timeoutSource.IsCancellationRequested || e is TimeoutException))
        {
            throw new MatrixException(ErrorCode.NotYetUploaded,
                $"{serverName} did not send the media within {(long)timeout.TotalMilliseconds} ms");
        }
        catch (Exception e) when (e is not MatrixException && !cancellationToken.IsCancellationRequested)
        {
            LogFetchFailed(logger, serverName, mediaId, e);
            throw FetchFailed();
        }
    }

    private static string ContentTypeOf(string? contentType) =>
        string.IsNullOrWhiteSpace(contentType) || contentType.Length > MaxContentTypeLength ||
        contentType.Any(char.IsControl)
            ? MediaService.DefaultContentType
            : contentType.Trim();

    private static string? FileNameOf(string? fileName) =>
        string.IsNullOrEmpty(fileName) || fileName.Length > MaxFileNameLength || fileName.Any(char.IsControl)
            ? null
            : fileName;

    private static MatrixException NotFound() => new(ErrorCode.NotFound, "Media not found");

    private static MatrixException FetchFailed() => new(ErrorCode.Unknown, "Failed to fetch remote media", 502);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fetch remote media {ServerName}/{MediaId}")]
    private static partial void LogFetchFailed(ILogger logger, string serverName, string mediaId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cached remote media {ServerName}/{MediaId} ({Bytes} bytes)")]
    private static partial void LogCached(ILogger logger, string serverName, string mediaId, long bytes);
}
