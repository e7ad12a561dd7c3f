using System.Security.Cryptography;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Media;

/// <summary>
/// The content repository's rules for uploads and downloads of this server's media: sync and async (create, then
/// PUT) uploads, the size limit, pending-upload limits, the upload rate and quota (<see cref="MediaUploadLimits"/>),
/// waiting for an async upload, and the freeze of unauthenticated media. Content is stored through
/// <see cref="MediaContentWriter"/> (safe against retention deleting the same content). Media of other servers comes
/// from <see cref="RemoteMediaCache"/> (404 M_NOT_FOUND while no fetcher is registered).
/// </summary>
public sealed class MediaService(HomeserverSettings settings, IMediaStore store, IMediaContentStore content,
    MediaUploadSignals signals, TimeProvider time, MediaContentWriter writer, MediaUploadLimits limits,
    RemoteMediaCache remote)
{
    private const string MediaIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static readonly TimeSpan TouchGranularity = TimeSpan.FromHours(1);
    private readonly MediaSettings _media = settings.Media;

    public long MaxUploadBytes => _media.MaxUploadBytes;

    /// <summary>Stores the content and returns its new <c>mxc://</c> URI.</summary>
    public async Task<string> UploadAsync(Requester requester, MediaUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(upload);
        RefuseOversized(upload.DeclaredLength);
        limits.AcquireNewMedia(requester);
        await limits.RefuseOverQuotaAsync(requester, upload.DeclaredLength, cancellationToken);
        var mediaId = NewMediaId();
        var overQuota = false;
        await writer.StoreAsync(upload.Body, _media.MaxUploadBytes, async (stored, ct) =>
        {
            var now = Now;
            var media = new LocalMedia(mediaId, requester.UserId.Value, now, null, upload.ContentType, upload.FileName,
                stored.Length, stored.Sha256, now, _media.FreezeUnauthenticated);
            if (limits.QuotaBytes == 0)
            {
                await store.InsertUploadedAsync(media, ct);
                return true;
            }

            overQuota = !await store.TryInsertUploadedAsync(media, limits.QuotaBytes, ct);
            return !overQuota;
        }, cancellationToken);
        return overQuota ? throw limits.OverQuota() : ContentUri(mediaId);
    }

    /// <summary>A new media ID whose content comes later (PUT); 429 once the user holds too many pending ones.</summary>
    public async Task<(string ContentUri, long UnusedExpiresAt)> CreateAsync(Requester requester,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        limits.AcquireNewMedia(requester);
        var mediaId = NewMediaId();
        var now = Now;
        var expiresAt = now + (long)_media.UnusedExpiry.TotalMilliseconds;
        var pending = new LocalMedia(mediaId, requester.UserId.Value, now, expiresAt, null, null, null, null, now,
            _media.FreezeUnauthenticated);
        if (!await store.TryInsertPendingAsync(pending, _media.MaxPendingUploads, now, cancellationToken))
        {
            throw new MatrixException(ErrorCode.LimitExceeded,
                $"Too many pending media uploads (at most {_media.MaxPendingUploads}); upload or wait for them to expire");
        }

        return (ContentUri(mediaId), expiresAt);
    }

    /// <summary>The content of a media ID made by <see cref="CreateAsync"/>: by its creator, once, before it expires.</summary>
    public async Task UploadToAsync(Requester requester, string serverName, string mediaId, MediaUpload upload,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(upload);
        var media = IsLocal(serverName) && IsValidMediaId(mediaId)
            ? await store.GetAsync(mediaId, cancellationToken)
            : null;
        if (media is null)
        {
            throw NotFound();
        }

        if (media.Uploader != requester.UserId.Value)
        {
            throw new MatrixException(ErrorCode.Forbidden, "Only the user who created this media ID may upload to it");
        }

        if (media.IsUploaded)
        {
            throw new MatrixException(ErrorCode.CannotOverwriteMedia, "This media ID already has content");
        }

        if (IsExpired(media, Now))
        {
            throw NotFound();
        }

        RefuseOversized(upload.DeclaredLength);
        await limits.RefuseOverQuotaAsync(requester, upload.DeclaredLength, cancellationToken);
        var outcome = PendingCompletion.NotPending;
        await writer.StoreAsync(upload.Body, _media.MaxUploadBytes, async (stored, ct) =>
        {
            outcome = limits.QuotaBytes == 0
                ? await store.CompletePendingAsync(mediaId, upload.ContentType, upload.FileName, stored, Now, ct)
                    ? PendingCompletion.Completed
                    : PendingCompletion.NotPending
                : await store.TryCompletePendingAsync(mediaId, media.Uploader, upload.ContentType, upload.FileName,
                    stored, Now, limits.QuotaBytes, ct);
            return outcome == PendingCompletion.Completed;
        }, cancellationToken);
        switch (outcome)
        {
            case PendingCompletion.OverQuota:
                throw limits.OverQuota();
            case PendingCompletion.NotPending:
                throw new MatrixException(ErrorCode.CannotOverwriteMedia, "This media ID already has content");
        }

        await signals.PublishAsync(mediaId, cancellationToken);
    }

    /// <summary>The content of a media, waiting up to <paramref name="timeout"/> for a pending async upload.</summary>
    /// <param name="unauthenticated">Asked through the deprecated unauthenticated endpoints (the freeze applies).</param>
    /// <param name="allowRemote">The client's <c>allow_remote</c>: false serves only remote media already cached.</param>
    public async Task<MediaContent> DownloadAsync(string serverName, string mediaId, TimeSpan timeout,
        bool unauthenticated, CancellationToken cancellationToken, bool allowRemote = true)
    {
        if (!IsLocal(serverName))
        {
            return await remote.OpenAsync(await GetRemoteAsync(serverName, mediaId, timeout, unauthenticated,
                allowRemote, cancellationToken), cancellationToken);
        }

        var media = await GetUploadedAsync(serverName, mediaId, timeout, unauthenticated, cancellationToken);
        return await OpenAsync(media, cancellationToken);
    }

    /// <summary>An uploaded local media row (see <see cref="DownloadAsync"/>); access time recorded.</summary>
    public async Task<LocalMedia> GetUploadedAsync(string serverName, string mediaId, TimeSpan timeout,
        bool unauthenticated, CancellationToken cancellationToken)
    {
        if (!IsLocal(serverName) || !IsValidMediaId(mediaId))
        {
            throw NotFound();
        }

        var media = await GetServableAsync(mediaId, unauthenticated, cancellationToken);
        if (!media.IsUploaded)
        {
            using var registration = signals.Register(mediaId);
            media = await GetServableAsync(mediaId, unauthenticated, cancellationToken);
            if (!media.IsUploaded)
            {
                try
                {
                    await registration.Uploaded.WaitAsync(timeout, time, cancellationToken);
                }
                catch (TimeoutException)
                {
                    throw new MatrixException(ErrorCode.NotYetUploaded, "The media has not been uploaded yet");
                }

                media = await GetServableAsync(mediaId, unauthenticated, cancellationToken);
            }
        }

        if (!media.IsUploaded)
        {
            throw new MatrixException(ErrorCode.NotYetUploaded, "The media has not been uploaded yet");
        }

        var now = Now;
        if (now - media.LastAccessTs >= (long)TouchGranularity.TotalMilliseconds)
        {
            await store.TouchAsync(mediaId, now, cancellationToken);
        }

        return media;
    }

    /// <summary>Media of another server from the cache, fetched first when allowed (authenticated endpoints only).</summary>
    public Task<CachedRemoteMedia> GetRemoteAsync(string serverName, string mediaId, TimeSpan timeout,
        bool unauthenticated, bool allowRemote, CancellationToken cancellationToken) =>
        unauthenticated
            ? throw NotFound()
            : remote.GetAsync(serverName, mediaId, allowRemote, timeout, cancellationToken);

    private async Task<MediaContent> OpenAsync(LocalMedia media, CancellationToken cancellationToken)
    {
        var stream = await content.OpenReadAsync(media.Sha256!, cancellationToken) ?? throw NotFound();
        return new MediaContent(stream, media.ContentType ?? DefaultContentType, media.UploadName,
            media.SizeBytes ?? stream.Length, media.Sha256!);
    }

    private async Task<LocalMedia> GetServableAsync(string mediaId, bool unauthenticated,
        CancellationToken cancellationToken)
    {
        var media = await store.GetAsync(mediaId, cancellationToken);
        if (media is null || (unauthenticated && media.Authenticated) || media.QuarantinedBy is not null ||
            (!media.IsUploaded && IsExpired(media, Now)))
        {
            throw NotFound();
        }

        return media;
    }

    public const string DefaultContentType = "application/octet-stream";

    public bool IsLocal(string serverName) => serverName == settings.ServerName.Value;

    /// <summary>Media IDs are opaque <c>[A-Za-z0-9_-]</c> strings (spec: "Matrix Content (mxc://) URIs").</summary>
    public static bool IsValidMediaId(string mediaId) =>
        mediaId.Length is > 0 and <= 255 && mediaId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private void RefuseOversized(long? declaredLength)
    {
        if (declaredLength > _media.MaxUploadBytes)
        {
            throw new MatrixException(ErrorCode.TooLarge,
                $"Upload too large (limit {_media.MaxUploadBytes} bytes)");
        }
    }

    private static bool IsExpired(LocalMedia media, long now) => media.UnusedExpiresAt is { } at && now >= at;

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    private string ContentUri(string mediaId) => $"mxc://{settings.ServerName.Value}/{mediaId}";

    private static string NewMediaId() => RandomNumberGenerator.GetString(MediaIdAlphabet, 24);

    private static MatrixException NotFound() => new(ErrorCode.NotFound, "Media not found");
}

/// <summary>An upload's body and what the client said of it (Content-Type, filename, Content-Length).</summary>
public sealed record MediaUpload(Stream Body, string ContentType, string? FileName, long? DeclaredLength);
