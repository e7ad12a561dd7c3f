using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Keys;

/// <summary>Key backup steps over /room_keys.</summary>
public static class KeyBackupSteps
{
    public const string Algorithm = "m.megolm_backup.v1.curve25519-aes-sha2";
    private const string Versions = "/_matrix/client/v3/room_keys/version";

    public static Task<HttpResponseMessage> TryCreateBackupAsync(this TestSession session, JsonNode body) =>
        session.Client.PostAsJsonAsync(Versions, body);

    public static async Task<string> CreateBackupAsync(this TestSession session, string publicKey = "pk1") =>
        (await MatrixAssert.OkAsync(await session.TryCreateBackupAsync(VersionBody(publicKey))))
        .GetProperty("version").GetString()!;

    public static JsonObject VersionBody(string publicKey, string algorithm = Algorithm) => new()
    {
        ["algorithm"] = algorithm,
        ["auth_data"] = new JsonObject { ["public_key"] = publicKey },
    };

    public static Task<HttpResponseMessage> TryGetBackupAsync(this TestSession session, string? version = null) =>
        session.Client.GetAsync(version is null ? Versions : $"{Versions}/{version}");

    public static async Task<JsonElement> GetBackupAsync(this TestSession session, string? version = null) =>
        await MatrixAssert.OkAsync(await session.TryGetBackupAsync(version));

    /// <summary>A KeyBackupData whose session_data names <paramref name="tag"/>, to tell which key was kept.</summary>
    public static JsonObject Key(string tag, int firstMessageIndex, int forwardedCount, bool verified) => new()
    {
        ["first_message_index"] = firstMessageIndex,
        ["forwarded_count"] = forwardedCount,
        ["is_verified"] = verified,
        ["session_data"] = new JsonObject { ["ciphertext"] = tag, ["ephemeral"] = "e", ["mac"] = "m" },
    };

    public static Task<HttpResponseMessage> TryPutKeyAsync(this TestSession session, string version, string roomId,
        string sessionId, JsonObject key) =>
        session.Client.PutAsJsonAsync(KeyPath(version, roomId, sessionId), key);

    /// <summary>Puts one key; returns the answer's count and etag.</summary>
    public static async Task<(long Count, string Etag)> PutKeyAsync(this TestSession session, string version,
        string roomId, string sessionId, JsonObject key)
    {
        var body = await MatrixAssert.OkAsync(await session.TryPutKeyAsync(version, roomId, sessionId, key));
        return (body.GetProperty("count").GetInt64(), body.GetProperty("etag").GetString()!);
    }

    /// <summary>The tag of the key stored for the session.</summary>
    public static async Task<string> StoredTagAsync(this TestSession session, string version, string roomId,
        string sessionId) =>
        (await MatrixAssert.OkAsync(await session.Client.GetAsync(KeyPath(version, roomId, sessionId))))
        .GetProperty("session_data").GetProperty("ciphertext").GetString()!;

    public static string KeyPath(string version, string? roomId = null, string? sessionId = null)
    {
        var path = "/_matrix/client/v3/room_keys/keys";
        if (roomId is not null)
        {
            path += "/" + Uri.EscapeDataString(roomId);
        }

        if (sessionId is not null)
        {
            path += "/" + Uri.EscapeDataString(sessionId);
        }

        return path + "?version=" + Uri.EscapeDataString(version);
    }
}
