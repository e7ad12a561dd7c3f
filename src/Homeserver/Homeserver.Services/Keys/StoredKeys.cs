using System.Text.Json.Nodes;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Keys;

/// <summary>
/// Stored keys on their way into /keys/query, /keys/claim or a signature check. Key JSON lives in <c>text</c> columns;
/// a row written around the API may not be JSON, hold a string that cannot be served, or lack the public key its
/// readers look up. Such a key is left out (and logged, <see cref="StoredJson"/>) as if it were absent, so that one
/// user's bad row cannot fail another user's request.
/// </summary>
public sealed class StoredKeys(StoredJson stored)
{
    /// <summary>A device's identity keys, holding its own <c>ed25519:&lt;device ID&gt;</c> key; null when unusable.</summary>
    public JsonObject? DeviceKeys(StoredDeviceKeys device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var json = stored.ParseObject(device.KeyJson, "device keys", device.DeviceId, device.UserId);
        if (json is not null && DevicePublicKey(json, device.DeviceId) is null)
        {
            stored.LeaveOut("device keys", device.DeviceId, device.UserId, $"no string 'keys.ed25519:{device.DeviceId}'");
            return null;
        }

        return json;
    }

    /// <summary>A cross-signing key with exactly one public key in <c>keys</c>; null when unusable.</summary>
    public JsonObject? CrossSigningKey(StoredCrossSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var json = stored.ParseObject(key.KeyJson, "cross-signing key", key.Usage, key.UserId);
        if (json is not null && CrossSigningPublicKey(json) is null)
        {
            stored.LeaveOut("cross-signing key", key.Usage, key.UserId, "'keys' does not hold exactly one string");
            return null;
        }

        return json;
    }

    /// <summary>A claimed one-time or fallback key: a JSON string or object; null when unusable.</summary>
    public JsonNode? ClaimedKey(string userId, string deviceId, ClaimedKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var name = $"{deviceId} {key.Algorithm}:{key.KeyId}";
        var what = key.Fallback ? "fallback key" : "one-time key";
        var json = stored.ParseValue(key.Json, what, name, userId);
        if (json is null or JsonObject || json.GetValueKind() == System.Text.Json.JsonValueKind.String)
        {
            return json;
        }

        stored.LeaveOut(what, name, userId, "neither a string nor an object");
        return null;
    }

    /// <summary>The device's <c>keys.ed25519:&lt;device ID&gt;</c>, or null.</summary>
    public static string? DevicePublicKey(JsonObject deviceKeys, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(deviceKeys);
        return deviceKeys["keys"] is JsonObject keys && keys["ed25519:" + deviceId] is JsonValue value &&
               value.TryGetValue<string>(out var publicKey)
            ? publicKey
            : null;
    }

    /// <summary>The public key of a cross-signing key (its one <c>keys</c> entry's value), or null.</summary>
    public static string? CrossSigningPublicKey(JsonObject key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key["keys"] is JsonObject { Count: 1 } keys && keys.Single().Value is JsonValue value &&
               value.TryGetValue<string>(out var publicKey)
            ? publicKey
            : null;
    }
}
