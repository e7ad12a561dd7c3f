using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Encoding;
using Homeserver.Core.Signing;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Keys;

/// <summary>An Ed25519 key a test client holds (a device key or a cross-signing key).</summary>
public sealed class TestKey
{
    private readonly SigningKey _key = SigningKey.FromSeed("test", RandomNumberGenerator.GetBytes(32));

    public string PublicKey => _key.PublicKeyBase64;

    /// <summary>Signs the object in place as <paramref name="userId"/> under <c>ed25519:&lt;keyName&gt;</c>.</summary>
    public JsonObject Sign(JsonObject json, string userId, string keyName)
    {
        JsonSigning.AddSignature(json, userId, "ed25519:" + keyName, JsonSigning.ComputeSignature(json, _key));
        return json;
    }
}

/// <summary>Key upload, query, claim and change steps over the client API.</summary>
public static class KeySteps
{
    /// <summary>Device keys of the session's device, signed with <paramref name="key"/>.</summary>
    public static JsonObject DeviceKeys(this TestSession session, TestKey key) =>
        key.Sign(new JsonObject
        {
            ["user_id"] = session.UserId,
            ["device_id"] = session.DeviceId,
            ["algorithms"] = new JsonArray("m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"),
            ["keys"] = new JsonObject
            {
                ["curve25519:" + session.DeviceId] = UnpaddedBase64.Encode(RandomNumberGenerator.GetBytes(32)),
                ["ed25519:" + session.DeviceId] = key.PublicKey,
            },
        }, session.UserId, session.DeviceId);

    /// <summary>One-time (or fallback) keys named signed_curve25519:&lt;id&gt; for each id.</summary>
    public static JsonObject CurveKeys(bool fallback, params string[] ids)
    {
        var keys = new JsonObject();
        foreach (var id in ids)
        {
            var key = new JsonObject { ["key"] = "key-" + id };
            if (fallback)
            {
                key["fallback"] = true;
            }

            keys["signed_curve25519:" + id] = key;
        }

        return keys;
    }

    public static Task<HttpResponseMessage> TryUploadKeysAsync(this TestSession session, JsonObject body) =>
        session.Client.PostAsJsonAsync("/_matrix/client/v3/keys/upload", body);

    public static async Task<JsonElement> UploadKeysAsync(this TestSession session, JsonObject body) =>
        await MatrixAssert.OkAsync(await session.TryUploadKeysAsync(body));

    /// <summary>Uploads freshly made, correctly signed device keys and returns the key that signs them.</summary>
    public static async Task<TestKey> UploadDeviceKeysAsync(this TestSession session)
    {
        var key = new TestKey();
        await session.UploadKeysAsync(new JsonObject { ["device_keys"] = session.DeviceKeys(key) });
        return key;
    }

    /// <summary>POST /keys/query for all devices of each user.</summary>
    public static async Task<JsonElement> QueryKeysAsync(this TestSession session, params string[] userIds)
    {
        var query = new JsonObject();
        foreach (var userId in userIds)
        {
            query[userId] = new JsonArray();
        }

        return await MatrixAssert.OkAsync(await session.Client.PostAsJsonAsync("/_matrix/client/v3/keys/query",
            new JsonObject { ["device_keys"] = query }));
    }

    /// <summary>Claims a signed_curve25519 key of one device; returns the device's entry (null when none).</summary>
    public static async Task<JsonElement?> ClaimKeyAsync(this TestSession session, string userId, string deviceId)
    {
        var body = await MatrixAssert.OkAsync(await session.Client.PostAsJsonAsync("/_matrix/client/v3/keys/claim",
            new JsonObject
            {
                ["one_time_keys"] = new JsonObject
                {
                    [userId] = new JsonObject { [deviceId] = "signed_curve25519" },
                },
            }));
        return body.GetProperty("one_time_keys").TryGetProperty(userId, out var user) &&
               user.TryGetProperty(deviceId, out var device)
            ? device
            : null;
    }

    public static async Task<JsonElement> KeyChangesAsync(this TestSession session, string from, string to) =>
        await MatrixAssert.OkAsync(await session.Client.GetAsync(
            $"/_matrix/client/v3/keys/changes?from={RoomSteps.Escape(from)}&to={RoomSteps.Escape(to)}"));

    public static List<string> Changed(this JsonElement syncOrChanges) => UserList(syncOrChanges, "changed");

    public static List<string> Left(this JsonElement syncOrChanges) => UserList(syncOrChanges, "left");

    private static List<string> UserList(JsonElement json, string name)
    {
        var lists = json.TryGetProperty("device_lists", out var inSync) ? inSync : json;
        return lists.GetProperty(name).EnumerateArray().Select(u => u.GetString()!).ToList();
    }
}
