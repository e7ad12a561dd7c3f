using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;
using Homeserver.Services.Media;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Admin;

/// <summary>
/// Synapse's admin media API: a user's media (list, delete), the media of a room, quarantine (one media, a room's, a
/// user's; a quarantined media is then 404 to everyone, see <see cref="MediaService"/>), protection from quarantine,
/// deletion of local media (one, or by last access and size) and the purge of cached remote media. Rows go first, then
/// their content through <see cref="MediaContentWriter.ReleaseAsync"/>, which keeps a file another row still names.
/// </summary>
public sealed partial class AdminMediaService(HomeserverSettings settings, IAdminMediaStore store,
    IAccountStore accounts, MediaContentWriter writer, ILogger<AdminMediaService> logger)
{
    private const int RemoteBatchSize = 500;

    /// <summary>Earlier than this is a timestamp in seconds given by mistake (Synapse's check: December 1970 in
    /// milliseconds).</summary>
    private const long EarliestPlausibleTs = 30_000_000_000;

    private string LocalServer => settings.ServerName.Value;

    public bool IsLocal(string serverName) => serverName == LocalServer;

    public async Task<JsonObject> ListUserMediaAsync(string userId, AdminMediaOrder order, bool backwards,
        AdminPage page, CancellationToken cancellationToken)
    {
        var user = await LocalUserAsync(userId, cancellationToken);
        var (media, total) = await store.ListByUploaderAsync(user, order, backwards, page, cancellationToken);
        var list = new JsonArray(media.Select(ToJson).ToArray<JsonNode?>());
        return page.Complete(new JsonObject { ["media"] = list }, media.Count, total, tokenAsString: false);
    }

    /// <summary>Deletes the page of the user's media that <see cref="ListUserMediaAsync"/> would list.</summary>
    public async Task<JsonObject> DeleteUserMediaAsync(string userId, AdminMediaOrder order, bool backwards,
        AdminPage page, CancellationToken cancellationToken)
    {
        var user = await LocalUserAsync(userId, cancellationToken);
        var (media, _) = await store.ListByUploaderAsync(user, order, backwards, page, cancellationToken);
        return await DeleteLocalAsync(media.Select(m => m.MediaId).ToList(), cancellationToken);
    }

    /// <summary>The <c>mxc://</c> URIs of the room's events (<c>url</c>, <c>info.thumbnail_url</c>), split into this
    /// server's and other servers', newest event first, each once.</summary>
    public async Task<JsonObject> RoomMediaAsync(string roomId, CancellationToken cancellationToken)
    {
        var (local, remote) = await MediaInRoomAsync(roomId, cancellationToken);
        return new JsonObject
        {
            ["local"] = new JsonArray(local.Select(id => (JsonNode?)$"mxc://{LocalServer}/{id}").ToArray()),
            ["remote"] = new JsonArray(remote.Select(r => (JsonNode?)$"mxc://{r.ServerName}/{r.MediaId}").ToArray()),
        };
    }

    public Task QuarantineAsync(string serverName, string mediaId, string admin, CancellationToken cancellationToken) =>
        SetQuarantineAsync(serverName, mediaId, admin, cancellationToken);

    public Task UnquarantineAsync(string serverName, string mediaId, CancellationToken cancellationToken) =>
        SetQuarantineAsync(serverName, mediaId, null, cancellationToken);

    public async Task<int> QuarantineRoomAsync(string roomId, string admin, CancellationToken cancellationToken)
    {
        var (local, remote) = await MediaInRoomAsync(roomId, cancellationToken);
        var count = await store.SetQuarantineAsync(local, remote, admin, cancellationToken);
        LogQuarantined(logger, count, roomId, admin);
        return count;
    }

    /// <summary>Quarantines the user's local media not yet quarantined (and everything with the same content).</summary>
    public async Task<int> QuarantineUserAsync(string userId, string admin, CancellationToken cancellationToken)
    {
        var ids = await store.UnquarantinedIdsOfAsync(userId, cancellationToken);
        var count = ids.Count == 0 ? 0 : await store.SetQuarantineAsync(ids, [], admin, cancellationToken);
        LogQuarantined(logger, count, userId, admin);
        return count;
    }

    public Task ProtectAsync(string mediaId, bool isProtected, CancellationToken cancellationToken) =>
        store.SetProtectedAsync(mediaId, isProtected, cancellationToken);

    /// <summary>Deletes one local media: 400 for another server's, 404 for an unknown one.</summary>
    public async Task<JsonObject> DeleteAsync(string serverName, string mediaId, CancellationToken cancellationToken)
    {
        if (serverName != LocalServer)
        {
            throw new MatrixException(ErrorCode.Unknown, "Can only delete local media", 400);
        }

        if (!await store.LocalExistsAsync(mediaId, cancellationToken))
        {
            throw new MatrixException(ErrorCode.NotFound, "Unknown media");
        }

        return await DeleteLocalAsync([mediaId], cancellationToken);
    }

    /// <summary>Deletes local media last accessed before <paramref name="beforeTs"/>, larger than
    /// <paramref name="sizeGreaterThan"/> bytes, neither quarantined nor protected (nor an avatar, with
    /// <paramref name="keepProfiles"/>).</summary>
    public async Task<JsonObject> DeleteOldLocalAsync(long beforeTs, long sizeGreaterThan, bool keepProfiles,
        CancellationToken cancellationToken)
    {
        RefuseSeconds(beforeTs);
        var ids = await store.LocalIdsToDeleteAsync(beforeTs, sizeGreaterThan, keepProfiles,
            $"mxc://{LocalServer}/", cancellationToken);
        return await DeleteLocalAsync(ids, cancellationToken);
    }

    /// <summary>Deletes cached remote media not accessed since <paramref name="beforeTs"/> (quarantined media stays
    /// cached, as Synapse keeps it, so that it stays refused).</summary>
    public async Task<JsonObject> PurgeRemoteCacheAsync(long beforeTs, CancellationToken cancellationToken)
    {
        RefuseSeconds(beforeTs);
        var deleted = 0;
        while (true)
        {
            var batch = await store.DeleteRemoteAccessedBeforeAsync(beforeTs, RemoteBatchSize, cancellationToken);
            deleted += batch.Count;
            await ReleaseAsync(batch.Sha256s, cancellationToken);
            if (batch.Count < RemoteBatchSize)
            {
                LogPurged(logger, deleted, beforeTs);
                return new JsonObject { ["deleted"] = deleted };
            }
        }
    }

    private async Task<JsonObject> DeleteLocalAsync(IReadOnlyList<string> mediaIds,
        CancellationToken cancellationToken)
    {
        var (deleted, hashes) = mediaIds.Count == 0
            ? ([], [])
            : await store.DeleteLocalAsync(mediaIds, cancellationToken);
        await ReleaseAsync(hashes, cancellationToken);
        if (deleted.Count > 0)
        {
            LogDeleted(logger, deleted.Count);
        }

        return new JsonObject
        {
            ["deleted_media"] = new JsonArray(deleted.Select(id => (JsonNode?)id).ToArray()),
            ["total"] = deleted.Count,
        };
    }

    private async Task ReleaseAsync(IReadOnlyList<string> hashes, CancellationToken cancellationToken)
    {
        foreach (var sha256 in hashes)
        {
            await writer.ReleaseAsync(sha256, cancellationToken);
        }
    }

    private Task<int> SetQuarantineAsync(string serverName, string mediaId, string? admin,
        CancellationToken cancellationToken) =>
        serverName == LocalServer
            ? store.SetQuarantineAsync([mediaId], [], admin, cancellationToken)
            : store.SetQuarantineAsync([], [new RemoteMediaKey(serverName, mediaId)], admin, cancellationToken);

    private async Task<(List<string> Local, List<RemoteMediaKey> Remote)> MediaInRoomAsync(string roomId,
        CancellationToken cancellationToken)
    {
        var local = new List<string>();
        var remote = new List<RemoteMediaKey>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var url in await store.UrlsInRoomAsync(roomId, cancellationToken))
        {
            if (ContentUri.TryParse(url) is not { } mxc || !seen.Add(mxc.ServerName + "/" + mxc.MediaId))
            {
                continue;
            }

            if (mxc.ServerName == LocalServer)
            {
                local.Add(mxc.MediaId);
            }
            else
            {
                remote.Add(mxc);
            }
        }

        return (local, remote);
    }

    private async Task<string> LocalUserAsync(string userId, CancellationToken cancellationToken)
    {
        if (!UserId.TryParse(userId, out var user, out var problem))
        {
            throw new MatrixException(ErrorCode.InvalidParam, problem);
        }

        if (user.Domain.Value != LocalServer)
        {
            throw new MatrixException(ErrorCode.Unknown, "Can only look up local users", 400);
        }

        return await accounts.GetUserAsync(user, cancellationToken) is null
            ? throw new MatrixException(ErrorCode.NotFound, "Unknown user")
            : user.Value;
    }

    private static void RefuseSeconds(long beforeTs)
    {
        if (beforeTs < EarliestPlausibleTs)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "Query parameter before_ts you provided is from the " +
                "year 1970. Double check that you are providing a timestamp in milliseconds.");
        }
    }

    private static JsonObject ToJson(AdminMediaRow media) => new()
    {
        ["media_id"] = media.MediaId,
        ["media_type"] = media.ContentType,
        ["media_length"] = media.SizeBytes,
        ["upload_name"] = media.UploadName,
        ["created_ts"] = media.CreatedTs,
        ["last_access_ts"] = media.LastAccessTs,
        ["quarantined_by"] = media.QuarantinedBy,
        ["safe_from_quarantine"] = media.SafeFromQuarantine,
        ["user_id"] = media.Uploader,
        ["authenticated"] = media.Authenticated,
        ["sha256"] = media.Sha256,
        ["url_cache"] = null,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {Admin} quarantined {Count} media of {Target}")]
    private static partial void LogQuarantined(ILogger logger, int count, string target, string admin);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin API deleted {Count} local media")]
    private static partial void LogDeleted(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Admin API purged {Count} cached remote media not accessed since {BeforeTs}")]
    private static partial void LogPurged(ILogger logger, int count, long beforeTs);
}

/// <summary>An <c>mxc://server/media-id</c> URI, read as Synapse reads the ones in events.</summary>
internal static class ContentUri
{
    public static RemoteMediaKey? TryParse(string url)
    {
        if (!url.StartsWith("mxc://", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = url.AsSpan("mxc://".Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            return null;
        }

        var mediaId = rest[(slash + 1)..];
        var end = mediaId.IndexOfAny('/', '#', '?');
        mediaId = end < 0 ? mediaId : mediaId[..end];
        return mediaId.IsEmpty ? null : new RemoteMediaKey(rest[..slash].ToString(), mediaId.ToString());
    }
}
