using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Media;

/// <summary>
/// Per-user limits on uploads: a rate (<c>Media:UploadsPerSecond</c>/<c>UploadBurst</c>, the token buckets of
/// <see cref="RateLimiter"/>, in memory per process like the other rate limits, off with <c>RateLimits:Enabled</c>) on
/// new media IDs (<c>/upload</c> and <c>/create</c>), and a quota (<c>Media:MaxBytesPerUser</c>) on the total bytes of
/// a user's uploads. The quota's final check is the row insert (<see cref="IMediaStore.TryInsertUploadedAsync"/>);
/// <see cref="RefuseOverQuotaAsync"/> only spares reading a body whose declared length cannot fit.
/// </summary>
public sealed class MediaUploadLimits(HomeserverSettings settings, IMediaStore store, TimeProvider time)
{
    private readonly RateLimiter _newMedia = new(settings.Media.Limits.UploadRate,
        settings.RateLimits.Enabled && settings.Media.Limits.UploadRate.PerSecond > 0, time);

    /// <summary>The quota in bytes; 0 when there is none.</summary>
    public long QuotaBytes => settings.Media.Limits.MaxBytesPerUser;

    /// <summary>Takes one token of the user's upload rate, or 429 M_LIMIT_EXCEEDED with <c>retry_after_ms</c>.</summary>
    public void AcquireNewMedia(Requester requester)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (!requester.IsExemptFromRateLimits)
        {
            _newMedia.Acquire(requester.UserId.Value);
        }
    }

    public async Task RefuseOverQuotaAsync(Requester requester, long? declaredLength,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (QuotaBytes > 0 &&
            await store.UploadedBytesAsync(requester.UserId.Value, cancellationToken) + (declaredLength ?? 0) > QuotaBytes)
        {
            throw OverQuota();
        }
    }

    /// <summary>
    /// 403 (the spec's status for "the user has reached a quota for uploaded content") with Synapse's errcode for its
    /// media upload limits, <c>M_RESOURCE_LIMIT_EXCEEDED</c> (Synapse answers it with 400), and the spec's
    /// <c>admin_contact</c> for that errcode when a support contact is configured.
    /// </summary>
    public MatrixException OverQuota()
    {
        var extra = new Dictionary<string, object?>();
        if (AdminContact(settings.WellKnown.Support) is { } contact)
        {
            extra["admin_contact"] = contact;
        }

        return new MatrixException(ErrorCode.ResourceLimitExceeded,
            $"Media upload quota exceeded (at most {QuotaBytes} bytes of uploads per user)", extraFields: extra);
    }

    private static string? AdminContact(SupportSettings? support) =>
        support?.AdminEmail is { } email ? "mailto:" + email
        : support?.SupportPage is { } page ? page.AbsoluteUri
        : support?.AdminMatrixId is { } userId ? "https://matrix.to/#/" + userId
        : null;
}
