using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Encoding;
using Homeserver.Core.Json;

namespace Homeserver.Core.Signing;

/// <summary>
/// Signing and checking JSON objects as the spec appendix describes: the signature covers the canonical
/// JSON of the object without its <c>signatures</c> and <c>unsigned</c> members, and is stored under
/// <c>signatures.&lt;entity&gt;.&lt;key id&gt;</c>.
/// </summary>
public static class JsonSigning
{
    private static readonly string[] UnsignedMembers = ["signatures", "unsigned"];

    /// <summary>The bytes a signature covers: canonical JSON without <c>signatures</c> and <c>unsigned</c>.</summary>
    public static bool TryGetSignedBytes(JsonNode json, out byte[] bytes, out string error,
        CanonicalJsonOptions options = CanonicalJsonOptions.Strict) =>
        CanonicalJson.TryEncode(json, UnsignedMembers, out bytes, out error, options);

    public static bool TryGetSignedBytes(JsonElement json, out byte[] bytes, out string error,
        CanonicalJsonOptions options = CanonicalJsonOptions.Strict) =>
        CanonicalJson.TryEncode(json, UnsignedMembers, out bytes, out error, options);

    /// <summary>Computes the unpadded base64 signature of an object without changing it.</summary>
    public static string ComputeSignature(JsonObject json, SigningKey key,
        CanonicalJsonOptions options = CanonicalJsonOptions.Strict)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!TryGetSignedBytes(json, out var bytes, out var error, options))
        {
            throw new FormatException($"cannot sign: {error}");
        }

        return UnpaddedBase64.Encode(Ed25519.Sign(key.KeyPair, bytes));
    }

    /// <summary>Signs the object in place, keeping any signatures already present, and returns it.</summary>
    public static JsonObject Sign(JsonObject json, string entity, SigningKey key,
        CanonicalJsonOptions options = CanonicalJsonOptions.Strict)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(key);
        var signature = ComputeSignature(json, key, options);
        AddSignature(json, entity, key.KeyId, signature);
        return json;
    }

    /// <summary>Stores a signature under <c>signatures.entity.keyId</c>.</summary>
    public static void AddSignature(JsonObject json, string entity, string keyId, string signature)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json["signatures"] is not JsonObject signatures)
        {
            signatures = [];
            json["signatures"] = signatures;
        }

        if (signatures[entity] is not JsonObject entitySignatures)
        {
            entitySignatures = [];
            signatures[entity] = entitySignatures;
        }

        entitySignatures[keyId] = signature;
    }

    /// <summary>
    /// The ed25519 key IDs the entity signed with. Key IDs of algorithms we do not understand are left
    /// out, as the spec's check asks.
    /// </summary>
    public static IReadOnlyList<string> SigningKeyIds(JsonElement json, string entity)
    {
        if (json.ValueKind != JsonValueKind.Object ||
            !json.TryGetProperty("signatures", out var signatures) || signatures.ValueKind != JsonValueKind.Object ||
            !signatures.TryGetProperty(entity, out var entitySignatures) ||
            entitySignatures.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        var keyIds = new List<string>();
        foreach (var property in entitySignatures.EnumerateObject())
        {
            if (property.Name.StartsWith(SigningKey.Algorithm + ":", StringComparison.Ordinal))
            {
                keyIds.Add(property.Name);
            }
        }

        return keyIds;
    }

    /// <summary>Checks the entity's signature under one key ID against the given public key.</summary>
    public static SignatureCheck Verify(JsonElement json, string entity, string keyId, ReadOnlySpan<byte> publicKey,
        CanonicalJsonOptions options = CanonicalJsonOptions.Strict)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        if (!keyId.StartsWith(SigningKey.Algorithm + ":", StringComparison.Ordinal))
        {
            return SignatureCheck.Fail(SignatureFailure.UnknownAlgorithm, $"'{keyId}' is not an ed25519 key");
        }

        if (json.ValueKind != JsonValueKind.Object ||
            !json.TryGetProperty("signatures", out var signatures) || signatures.ValueKind != JsonValueKind.Object ||
            !signatures.TryGetProperty(entity, out var entitySignatures) ||
            entitySignatures.ValueKind != JsonValueKind.Object)
        {
            return SignatureCheck.Fail(SignatureFailure.NotSignedByEntity, $"no signatures from '{entity}'");
        }

        if (!entitySignatures.TryGetProperty(keyId, out var signatureText) ||
            signatureText.ValueKind != JsonValueKind.String)
        {
            return SignatureCheck.Fail(SignatureFailure.NotSignedWithKey, $"'{entity}' did not sign with '{keyId}'");
        }

        if (!UnpaddedBase64.TryDecode(signatureText.GetString()!, out var signature))
        {
            return SignatureCheck.Fail(SignatureFailure.MalformedSignature, "the signature is not base64");
        }

        if (!TryGetSignedBytes(json, out var bytes, out var error, options))
        {
            return SignatureCheck.Fail(SignatureFailure.NotCanonicalJson, error);
        }

        return Ed25519.Verify(publicKey, bytes, signature)
            ? SignatureCheck.Valid
            : SignatureCheck.Fail(SignatureFailure.BadSignature, $"the signature by {entity} {keyId} does not verify");
    }

    public static SignatureCheck Verify(JsonNode json, string entity, string keyId, ReadOnlySpan<byte> publicKey,
        CanonicalJsonOptions options = CanonicalJsonOptions.Strict)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Verify(JsonSerializer.SerializeToElement(json), entity, keyId, publicKey, options);
    }
}
