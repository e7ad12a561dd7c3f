using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Keys.Backup;

/// <summary>
/// Server-side key backups (/room_keys): versions and the room keys in them. Versions are decimal numbers; anything
/// else names no version (404). Keys may only be written to the current version (403 M_WRONG_ROOM_KEYS_VERSION with
/// <c>current_version</c>); any version that exists can be read and have keys deleted.
/// </summary>
public sealed class KeyBackupService(IKeyBackupStore store, StoredJson storedJson)
{
    public async Task<JsonObject> CreateVersionAsync(Requester requester, JsonElement body,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var (algorithm, authData) = ReadVersionBody(body);
        var version = await store.CreateVersionAsync(requester.UserId.Value, algorithm, authData, cancellationToken);
        return new JsonObject { ["version"] = Format(version) };
    }

    /// <summary>The version named, or the current one when <paramref name="version"/> is null.</summary>
    public async Task<JsonObject> GetVersionAsync(Requester requester, string? version,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var userId = requester.UserId.Value;
        var found = version is null
            ? await store.GetVersionAsync(userId, null, cancellationToken) ?? throw NoBackup()
            : await store.GetVersionAsync(userId, Parse(version), cancellationToken) ?? throw UnknownVersion(version);
        var authData = storedJson.ParseObject(found.AuthData, "key backup auth_data", Format(found.Version), userId)
                       ?? new JsonObject();
        return new JsonObject
        {
            ["algorithm"] = found.Algorithm,
            ["auth_data"] = authData,
            ["count"] = found.Count,
            ["etag"] = Format(found.Etag),
            ["version"] = Format(found.Version),
        };
    }

    public async Task UpdateVersionAsync(Requester requester, string version, JsonElement body,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var number = Parse(version);
        var (algorithm, authData) = ReadVersionBody(body);
        if (body.TryGetProperty("version", out var named) &&
            (named.ValueKind != JsonValueKind.String || named.GetString() != version))
        {
            throw new MatrixException(ErrorCode.InvalidParam, "'version' must be the version in the path");
        }

        switch (await store.UpdateAuthDataAsync(requester.UserId.Value, number, algorithm, authData, cancellationToken))
        {
            case BackupVersionUpdate.NoSuchVersion:
                throw UnknownVersion(version);
            case BackupVersionUpdate.AlgorithmDiffers:
                throw new MatrixException(ErrorCode.InvalidParam, "'algorithm' must be the backup's algorithm");
        }
    }

    public async Task DeleteVersionAsync(Requester requester, string version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (!await store.DeleteVersionAsync(requester.UserId.Value, Parse(version), cancellationToken))
        {
            throw UnknownVersion(version);
        }
    }

    /// <summary>PUT at any of the three levels: <paramref name="keys"/> already read from the body.</summary>
    public async Task<JsonObject> PutKeysAsync(Requester requester, string? version, IReadOnlyList<BackedUpKey> keys,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var number = Parse(RequiredVersion(version));
        var distinct = keys.GroupBy(k => (k.RoomId, k.SessionId)).Select(g => g.Last()).ToList();
        var result = await store.PutKeysAsync(requester.UserId.Value, number, distinct, cancellationToken);
        return WriteResponse(result, version!);
    }

    public async Task<JsonObject> DeleteKeysAsync(Requester requester, string? version, BackupKeyScope scope,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var number = Parse(RequiredVersion(version));
        var result = await store.DeleteKeysAsync(requester.UserId.Value, number, scope, cancellationToken);
        return WriteResponse(result, version!);
    }

    /// <summary>The keys in scope, shaped for the level asked: <c>rooms</c>, a room's <c>sessions</c>, or one key
    /// (404 when that key is not there).</summary>
    public async Task<JsonObject> GetKeysAsync(Requester requester, string? version, BackupKeyScope scope,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(scope);
        var userId = requester.UserId.Value;
        var keys = await store.GetKeysAsync(userId, Parse(RequiredVersion(version)), scope, cancellationToken)
                   ?? throw UnknownVersion(version!);
        var rooms = new JsonObject();
        foreach (var key in keys)
        {
            if (KeyJson(key, userId) is not { } json)
            {
                continue;
            }

            var room = rooms[key.RoomId]?.AsObject() ?? (JsonObject)(rooms[key.RoomId] = new JsonObject());
            var sessions = room["sessions"]?.AsObject() ?? (JsonObject)(room["sessions"] = new JsonObject());
            sessions[key.SessionId] = json;
        }

        if (scope.SessionId is not null)
        {
            return rooms[scope.RoomId!]?["sessions"]?[scope.SessionId]?.DeepClone().AsObject()
                   ?? throw new MatrixException(ErrorCode.NotFound, "No key for this session in the backup");
        }

        if (scope.RoomId is not null)
        {
            return rooms[scope.RoomId]?.DeepClone().AsObject() ?? new JsonObject { ["sessions"] = new JsonObject() };
        }

        return new JsonObject { ["rooms"] = rooms };
    }

    private JsonObject? KeyJson(BackedUpKey key, string userId)
    {
        var sessionData = storedJson.ParseObject(key.SessionData, "backed-up room key",
            $"{key.RoomId} {key.SessionId}", userId);
        return sessionData is null
            ? null
            : new JsonObject
            {
                ["first_message_index"] = key.FirstMessageIndex,
                ["forwarded_count"] = key.ForwardedCount,
                ["is_verified"] = key.IsVerified,
                ["session_data"] = sessionData,
            };
    }

    private static JsonObject WriteResponse(BackupWriteResult result, string version) => result.Status switch
    {
        BackupWriteStatus.Done => new JsonObject { ["count"] = result.Count, ["etag"] = Format(result.Etag) },
        BackupWriteStatus.NotCurrentVersion => throw new MatrixException(ErrorCode.WrongRoomKeysVersion,
            "Wrong backup version", extraFields: new Dictionary<string, object?>
            {
                ["current_version"] = result.CurrentVersion is { } current ? Format(current) : null,
            }),
        _ => throw UnknownVersion(version),
    };

    private static (string Algorithm, string AuthData) ReadVersionBody(JsonElement body)
    {
        if (!body.TryGetProperty("algorithm", out var algorithm) || !body.TryGetProperty("auth_data", out var authData))
        {
            throw new MatrixException(ErrorCode.MissingParam, "'algorithm' and 'auth_data' are required");
        }

        if (algorithm.ValueKind != JsonValueKind.String || authData.ValueKind != JsonValueKind.Object)
        {
            throw new MatrixException(ErrorCode.BadJson, "'algorithm' must be a string and 'auth_data' an object");
        }

        return (algorithm.GetString()!, authData.GetRawText());
    }

    private static string RequiredVersion(string? version) =>
        version ?? throw new MatrixException(ErrorCode.MissingParam, "The 'version' query parameter is required");

    /// <summary>A version number; anything else names no version (404).</summary>
    private static long Parse(string version) =>
        version.Length is > 0 and <= 18 && version.All(char.IsAsciiDigit)
            ? long.Parse(version, CultureInfo.InvariantCulture)
            : throw UnknownVersion(version);

    private static string Format(long number) => number.ToString(CultureInfo.InvariantCulture);

    private static MatrixException NoBackup() => new(ErrorCode.NotFound, "No backup exists");

    private static MatrixException UnknownVersion(string version) =>
        new(ErrorCode.NotFound, $"Unknown backup version '{version}'");
}
