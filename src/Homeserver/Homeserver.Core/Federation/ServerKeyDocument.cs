using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Encoding;
using Homeserver.Core.Signing;

namespace Homeserver.Core.Federation;

/// <summary>One key a server publishes: current (<see cref="ExpiredTs"/> null) or old.</summary>
public sealed record PublishedKey(string KeyId, byte[] PublicKey, long? ExpiredTs)
{
    public bool IsOld => ExpiredTs is not null;
}

/// <summary>A key document checked by <see cref="ServerKeyDocument.TryRead"/>.</summary>
public sealed record ServerKeySet(string ServerName, long ValidUntilTs, IReadOnlyList<PublishedKey> Keys);

/// <summary>
/// The document of <c>GET /_matrix/key/v2/server</c> (spec: Server-Server API, "Publishing Keys"): written for this
/// server, and checked when fetched from another: it must name the server asked for and carry a valid signature of
/// that server by one of its <c>verify_keys</c> (and no signature of it that fails).
/// </summary>
public static class ServerKeyDocument
{
    /// <summary>Our document, signed by the current key.</summary>
    public static JsonObject Create(string serverName, SigningKey current, IEnumerable<PublishedKey> oldKeys,
        long validUntilTs)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(oldKeys);
        var old = new JsonObject();
        foreach (var key in oldKeys)
        {
            old[key.KeyId] = new JsonObject
            {
                ["expired_ts"] = key.ExpiredTs ?? 0,
                ["key"] = UnpaddedBase64.Encode(key.PublicKey),
            };
        }

        var document = new JsonObject
        {
            ["server_name"] = serverName,
            ["valid_until_ts"] = validUntilTs,
            ["verify_keys"] = new JsonObject
            {
                [current.KeyId] = new JsonObject { ["key"] = current.PublicKeyBase64 },
            },
            ["old_verify_keys"] = old,
        };
        return JsonSigning.Sign(document, serverName, current);
    }

    /// <summary>Reads a fetched document of <paramref name="expectedServerName"/> and checks its self-signature.</summary>
    public static bool TryRead(JsonElement document, string expectedServerName, out ServerKeySet? keys,
        out string error)
    {
        keys = null;
        if (document.ValueKind != JsonValueKind.Object)
        {
            error = "the key document is not an object";
            return false;
        }

        if (!document.TryGetProperty("server_name", out var name) || name.ValueKind != JsonValueKind.String ||
            name.GetString() != expectedServerName)
        {
            error = $"the key document is not for '{expectedServerName}'";
            return false;
        }

        if (!document.TryGetProperty("valid_until_ts", out var until) || !until.TryGetInt64(out var validUntilTs))
        {
            error = "the key document has no integer valid_until_ts";
            return false;
        }

        var published = new List<PublishedKey>();
        if (!TryReadKeys(document, "verify_keys", old: false, published, out error) ||
            !TryReadKeys(document, "old_verify_keys", old: true, published, out error))
        {
            return false;
        }

        var verified = false;
        foreach (var keyId in JsonSigning.SigningKeyIds(document, expectedServerName))
        {
            var key = published.Find(k => k.KeyId == keyId && !k.IsOld);
            if (key is null)
            {
                continue;
            }

            var check = JsonSigning.Verify(document, expectedServerName, keyId, key.PublicKey);
            if (!check.IsValid)
            {
                error = check.Reason;
                return false;
            }

            verified = true;
        }

        if (!verified)
        {
            error = $"the key document is not signed by '{expectedServerName}' with one of its verify_keys";
            return false;
        }

        keys = new ServerKeySet(expectedServerName, validUntilTs, published);
        error = "";
        return true;
    }

    private static bool TryReadKeys(JsonElement document, string member, bool old, List<PublishedKey> keys,
        out string error)
    {
        error = "";
        if (!document.TryGetProperty(member, out var section))
        {
            if (old)
            {
                return true;
            }

            error = $"the key document has no {member}";
            return false;
        }

        if (section.ValueKind != JsonValueKind.Object)
        {
            error = $"{member} is not an object";
            return false;
        }

        foreach (var entry in section.EnumerateObject())
        {
            // Keys of algorithms we do not know are of no use to us, and not an error.
            if (!entry.Name.StartsWith(SigningKey.Algorithm + ":", StringComparison.Ordinal))
            {
                continue;
            }

            if (!SigningKey.IsValidVersion(entry.Name[(SigningKey.Algorithm.Length + 1)..]) ||
                entry.Value.ValueKind != JsonValueKind.Object ||
                !entry.Value.TryGetProperty("key", out var keyText) || keyText.ValueKind != JsonValueKind.String ||
                !UnpaddedBase64.TryDecode(keyText.GetString()!, out var publicKey) ||
                publicKey.Length != Ed25519.PublicKeyLength)
            {
                error = $"{member}.{entry.Name} is not a valid ed25519 key";
                return false;
            }

            long? expiredTs = null;
            if (old)
            {
                if (!entry.Value.TryGetProperty("expired_ts", out var expired) || !expired.TryGetInt64(out var ts))
                {
                    error = $"{member}.{entry.Name} has no integer expired_ts";
                    return false;
                }

                expiredTs = ts;
            }

            keys.Add(new PublishedKey(entry.Name, publicKey, expiredTs));
        }

        return true;
    }
}
