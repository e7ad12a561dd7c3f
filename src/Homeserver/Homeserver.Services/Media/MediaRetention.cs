using Homeserver.Services.Configuration;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Media;

/// <summary>
/// One pass of media retention (Synapse's <c>media_retention</c>): local media not accessed for
/// <c>Media:LocalRetentionDays</c> and cached remote media not accessed for <c>Media:RemoteRetentionDays</c> are deleted
/// (0 keeps them forever, the default of both, as Synapse), with their thumbnails; media IDs made by /create whose
/// upload never came are deleted once expired. A content file goes when no remaining row names its hash
/// (<see cref="MediaContentWriter.ReleaseAsync"/>). One process runs a pass at a time (the store's job lock).
/// </summary>
public sealed partial class MediaRetention(HomeserverSettings settings, IMediaRetentionStore store,
    MediaContentWriter writer, TimeProvider time, ILogger<MediaRetention> logger)
{
    private const int BatchSize = 500;

    /// <summary>
    /// Runs a pass unless another process is running one (null then), or after it when <paramref name="wait"/>. Rows
    /// are deleted before their content is released (a pass stopped between the two leaves files no row names, never a
    /// row without its file), in batches.
    /// </summary>
    public async Task<RetentionPass?> RunAsync(CancellationToken cancellationToken, bool wait = false)
    {
        await using var job = await store.TryHoldJobAsync(wait, cancellationToken);
        if (job is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var limits = settings.Media.Limits;
        var expiredPending = await store.DeleteExpiredPendingAsync(now.ToUnixTimeMilliseconds(), cancellationToken);
        var local = limits.LocalRetention is { } localAge
            ? await PurgeAsync(ct => store.DeleteLocalAccessedBeforeAsync(
                (now - localAge).ToUnixTimeMilliseconds(), BatchSize, ct), cancellationToken)
            : default;
        var remote = limits.RemoteRetention is { } remoteAge
            ? await PurgeAsync(ct => store.DeleteRemoteAccessedBeforeAsync(
                (now - remoteAge).ToUnixTimeMilliseconds(), BatchSize, ct), cancellationToken)
            : default;

        var pass = new RetentionPass(local.Media, remote.Media, expiredPending, local.Files + remote.Files,
            local.Bytes + remote.Bytes);
        if (pass.LocalMedia + pass.RemoteMedia + pass.ExpiredPending > 0)
        {
            LogFreed(logger, pass.LocalMedia, pass.RemoteMedia, pass.ExpiredPending, pass.FilesDeleted,
                pass.BytesFreed);
        }

        return pass;
    }

    private async Task<(int Media, int Files, long Bytes)> PurgeAsync(
        Func<CancellationToken, Task<DeletedMedia>> deleteBatch, CancellationToken cancellationToken)
    {
        var (media, files, bytes) = (0, 0, 0L);
        while (true)
        {
            var batch = await deleteBatch(cancellationToken);
            media += batch.Count;
            foreach (var sha256 in batch.Sha256s)
            {
                var freed = await writer.ReleaseAsync(sha256, cancellationToken);
                if (freed > 0)
                {
                    files++;
                    bytes += freed;
                }
            }

            if (batch.Count < BatchSize)
            {
                return (media, files, bytes);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Media retention deleted {LocalMedia} local and " +
        "{RemoteMedia} cached remote media and {ExpiredPending} expired unused media IDs, freeing {FilesDeleted} files " +
        "({BytesFreed} bytes)")]
    private static partial void LogFreed(ILogger logger, int localMedia, int remoteMedia, int expiredPending,
        int filesDeleted, long bytesFreed);
}

/// <param name="FilesDeleted">Content files deleted (content still named by other rows is kept).</param>
public sealed record RetentionPass(int LocalMedia, int RemoteMedia, int ExpiredPending, int FilesDeleted,
    long BytesFreed);
