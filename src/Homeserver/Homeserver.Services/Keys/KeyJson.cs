using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Encoding;
using Homeserver.Core.Errors;
using Homeserver.Core.Json;
using Homeserver.Core.Signing;

namespace Homeserver.Services.Keys;

/// <summary>Reading uploaded keys: shapes checked (M_BAD_JSON), owners and self-signatures checked, stored as canonical
/// JSON so that equal keys compare equal.</summary>
public static class KeyJson
{
    public const string Ed25519 = "ed25519";

    /// <summary>
    /// Device identity keys uploaded by <paramref name="deviceId"/> of <paramref name="userId"/>: they must name that
    /// user and device, hold the device's ed25519 key and be signed with it. Returns them canonical, without
    /// <c>unsigned</c>.
    /// </summary>
    public static string ReadDeviceKeys(JsonElement keys, string userId, string deviceId)
    {
        if (keys.ValueKind != JsonValueKind.Object)
        {
            throw new MatrixException(ErrorCode.BadJson, "'device_keys' must be an object");
        }

        if (RequiredString(keys, "user_id", "device_keys") != userId ||
            RequiredString(keys, "device_id", "device_keys") != deviceId)
        {
            throw new MatrixException(ErrorCode.InvalidParam,
                "'device_keys' must name the user and device of the access token");
        }

        if (!keys.TryGetProperty("algorithms", out var algorithms) || algorithms.ValueKind != JsonValueKind.Array ||
            algorithms.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String))
        {
            throw new MatrixException(ErrorCode.BadJson, "'device_keys.algorithms' must be an array of strings");
        }

        var signingKeyId = $"{Ed25519}:{deviceId}";
        var publicKey = PublicKey(keys, signingKeyId, "device_keys")
                        ?? throw new MatrixException(ErrorCode.InvalidParam, $"'device_keys.keys' must hold '{signingKeyId}'");
        CheckSignature(keys, userId, signingKeyId, publicKey, "device_keys");
        return Canonical(WithoutUnsigned(keys));
    }

    /// <summary>The <c>&lt;algorithm&gt;:&lt;key id&gt;</c> map of one_time_keys or fallback_keys (empty when absent).</summary>
    public static List<UploadedKey> ReadKeyMap(JsonElement body, string field)
    {
        if (!body.TryGetProperty(field, out var map) || map.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (map.ValueKind != JsonValueKind.Object)
        {
            throw new MatrixException(ErrorCode.BadJson, $"'{field}' must be an object");
        }

        var keys = new List<UploadedKey>();
        foreach (var key in map.EnumerateObject())
        {
            var colon = key.Name.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == key.Name.Length - 1)
            {
                throw new MatrixException(ErrorCode.BadJson, $"'{field}.{key.Name}' is not '<algorithm>:<key id>'");
            }

            if (key.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Object))
            {
                throw new MatrixException(ErrorCode.BadJson, $"'{field}.{key.Name}' must be a string or an object");
            }

            keys.Add(new UploadedKey(key.Name[..colon], key.Name[(colon + 1)..], Canonical(key.Value)));
        }

        return keys;
    }

    /// <summary>The decoded public key stored under <c>keys.&lt;keyId&gt;</c>, or null when there is none.</summary>
    public static byte[]? PublicKey(JsonElement keyObject, string keyId, string field)
    {
        if (!keyObject.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Object)
        {
            throw new MatrixException(ErrorCode.BadJson, $"'{field}.keys' must be an object");
        }

        if (keys.EnumerateObject().Any(k => k.Value.ValueKind != JsonValueKind.String))
        {
            throw new MatrixException(ErrorCode.BadJson, $"'{field}.keys' must map key IDs to strings");
        }

        return keys.TryGetProperty(keyId, out var key) && UnpaddedBase64.TryDecode(key.GetString()!, out var bytes)
            ? bytes
            : null;
    }

    /// <summary>M_INVALID_SIGNATURE unless <paramref name="signer"/> signed the object with the key.</summary>
    public static void CheckSignature(JsonElement keyObject, string signer, string keyId, byte[] publicKey, string field)
    {
        var check = JsonSigning.Verify(keyObject, signer, keyId, publicKey);
        if (check.Failure == SignatureFailure.NotCanonicalJson)
        {
            throw new MatrixException(ErrorCode.BadJson, $"'{field}' is not canonical JSON: {check.Reason}");
        }

        if (!check.IsValid)
        {
            throw new MatrixException(ErrorCode.InvalidSignature, $"'{field}': {check.Reason}");
        }
    }

    public static string RequiredString(JsonElement obj, string name, string field) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new MatrixException(ErrorCode.BadJson, $"'{field}.{name}' must be a string");

    public static string Canonical(JsonNode node) =>
        CanonicalJson.TryEncode(node, out var bytes, out var error)
            ? Encoding.UTF8.GetString(bytes)
            : throw new MatrixException(ErrorCode.BadJson, $"Keys must be canonical JSON: {error}");

    public static string Canonical(JsonElement element) =>
        CanonicalJson.TryEncode(element, out var bytes, out var error)
            ? Encoding.UTF8.GetString(bytes)
            : throw new MatrixException(ErrorCode.BadJson, $"Keys must be canonical JSON: {error}");

    /// <summary>Stored key JSON as an element.</summary>
    public static JsonElement Parse(string json) => JsonSerializer.Deserialize<JsonElement>(json);

    /// <summary>Whether two keys are the same once their signatures and unsigned data are set aside.</summary>
    public static bool SameKey(JsonElement uploaded, string stored) =>
        JsonSigning.TryGetSignedBytes(uploaded, out var a, out _) &&
        JsonSigning.TryGetSignedBytes(Parse(stored), out var b, out _) && a.AsSpan().SequenceEqual(b);

    private static JsonObject WithoutUnsigned(JsonElement keys)
    {
        var copy = JsonObject.Create(keys)!.DeepClone().AsObject();
        copy.Remove("unsigned");
        return copy;
    }
}
