using Homeserver.Services.Media;

namespace Homeserver.Services.Admin;

/// <summary>The admin API's reads and writes of the media tables (listing, quarantine, protection, deletion).</summary>
public interface IAdminMediaStore
{
    /// <summary>One page of a user's local media (pending uploads included) in the given order, and how many there
    /// are in all.</summary>
    Task<(IReadOnlyList<AdminMediaRow> Media, long Total)> ListByUploaderAsync(string uploader, AdminMediaOrder order,
        bool backwards, AdminPage page, CancellationToken cancellationToken);

    /// <summary>IDs of uploaded local media last accessed before <paramref name="beforeTs"/> and larger than
    /// <paramref name="sizeGreaterThan"/> bytes, neither quarantined nor protected; with
    /// <paramref name="keepProfiles"/>, not the avatar of a user or a room (<paramref name="mxcPrefix"/> + media ID).</summary>
    Task<IReadOnlyList<string>> LocalIdsToDeleteAsync(long beforeTs, long sizeGreaterThan, bool keepProfiles,
        string mxcPrefix, CancellationToken cancellationToken);

    /// <summary>Deletes the local media rows and their thumbnails; the IDs deleted and every hash they named.</summary>
    Task<(IReadOnlyList<string> MediaIds, IReadOnlyList<string> Sha256s)> DeleteLocalAsync(
        IReadOnlyList<string> mediaIds, CancellationToken cancellationToken);

    /// <summary>Deletes up to <paramref name="limit"/> cached remote media not accessed since
    /// <paramref name="beforeTs"/> and not quarantined, with their thumbnails.</summary>
    Task<DeletedMedia> DeleteRemoteAccessedBeforeAsync(long beforeTs, int limit, CancellationToken cancellationToken);

    /// <summary>Sets <c>quarantined_by</c> (null: lifts it) on the given media and on every media, local or remote,
    /// with the same content; protected local media is left out of a quarantine. The number of rows changed.</summary>
    Task<int> SetQuarantineAsync(IReadOnlyList<string> localIds, IReadOnlyList<RemoteMediaKey> remote,
        string? quarantinedBy, CancellationToken cancellationToken);

    /// <summary>IDs of the user's local media that are not quarantined.</summary>
    Task<IReadOnlyList<string>> UnquarantinedIdsOfAsync(string uploader, CancellationToken cancellationToken);

    Task SetProtectedAsync(string mediaId, bool isProtected, CancellationToken cancellationToken);

    Task<bool> LocalExistsAsync(string mediaId, CancellationToken cancellationToken);

    /// <summary>The <c>url</c> and <c>info.thumbnail_url</c> strings of the room's (non-outlier) events that carry a
    /// URL, newest first.</summary>
    Task<IReadOnlyList<string>> UrlsInRoomAsync(string roomId, CancellationToken cancellationToken);
}

public sealed record RemoteMediaKey(string ServerName, string MediaId);

/// <summary>Synapse's <c>order_by</c> values for a user's media, each naming a column of ours.</summary>
public enum AdminMediaOrder
{
    MediaId,
    UploadName,
    CreatedTs,
    LastAccessTs,
    MediaLength,
    MediaType,
    QuarantinedBy,
    SafeFromQuarantine,
}

/// <summary>A local media as the admin API lists it.</summary>
public sealed record AdminMediaRow(
    string MediaId,
    string Uploader,
    string? ContentType,
    long? SizeBytes,
    string? UploadName,
    long CreatedTs,
    long LastAccessTs,
    string? QuarantinedBy,
    bool SafeFromQuarantine,
    bool Authenticated,
    string? Sha256);
