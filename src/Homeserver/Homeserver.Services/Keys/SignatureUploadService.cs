using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Encoding;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Keys;

/// <summary>
/// POST /keys/signatures/upload: a user signs their own devices with their self-signing key, their master key with
/// their devices, and other users' master keys with their user-signing key. Each key that cannot be signed gets an
/// entry in <c>failures</c>; the others' signatures are stored and shown by /keys/query. A stored key that cannot be
/// served counts as absent (<see cref="StoredKeys"/>).
/// </summary>
public sealed class SignatureUploadService(IDeviceKeyStore deviceKeys, ICrossSigningKeyStore crossSigning,
    DeviceListService deviceLists, StoredKeys storedKeys)
{
    public async Task<JsonObject> UploadAsync(Requester requester, JsonElement body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var signer = requester.UserId.Value;
        var targets = body.EnumerateObject().Select(u => u.Name).Append(signer).Distinct(StringComparer.Ordinal).ToList();
        var crossKeys = (await crossSigning.GetCrossSigningKeysAsync(targets, cancellationToken))
            .Where(k => storedKeys.CrossSigningKey(k) is not null)
            .ToDictionary(k => (k.UserId, k.Usage), k => k.KeyJson);
        var devices = (await deviceKeys.GetDeviceKeysAsync([signer], cancellationToken))
            .Where(d => storedKeys.DeviceKeys(d) is not null)
            .ToDictionary(d => d.DeviceId, d => d.KeyJson, StringComparer.Ordinal);
        var failures = new JsonObject();
        var accepted = new List<KeySignature>();
        foreach (var user in body.EnumerateObject())
        {
            if (user.Value.ValueKind != JsonValueKind.Object)
            {
                throw new MatrixException(ErrorCode.BadJson, $"'{user.Name}' must map key IDs to signed keys");
            }

            foreach (var key in user.Value.EnumerateObject())
            {
                try
                {
                    accepted.AddRange(Check(signer, user.Name, key.Name, key.Value, crossKeys, devices));
                }
                catch (MatrixException e)
                {
                    var forUser = failures[user.Name] as JsonObject ?? (JsonObject)(failures[user.Name] = new JsonObject());
                    forUser[key.Name] = new JsonObject { ["errcode"] = e.Code.Code, ["error"] = e.Message };
                }
            }
        }

        if (accepted.Count > 0)
        {
            await crossSigning.AddSignaturesAsync(accepted, cancellationToken);
            await deviceLists.RecordChangeAsync(requester.UserId, cancellationToken);
        }

        return new JsonObject { ["failures"] = failures };
    }

    private static List<KeySignature> Check(string signer, string targetUser, string keyId, JsonElement signed,
        Dictionary<(string, string), string> crossKeys, Dictionary<string, string> devices)
    {
        if (signed.ValueKind != JsonValueKind.Object)
        {
            throw new MatrixException(ErrorCode.BadJson, "A signed key must be an object");
        }

        string? Stored(string user, string usage) => crossKeys.GetValueOrDefault((user, usage));
        var master = Stored(targetUser, CrossSigningKeyReader.Master);
        if (targetUser != signer)
        {
            // Another user's master key, signed with the signer's user-signing key.
            var userSigning = Stored(signer, CrossSigningKeyReader.UserSigning)
                              ?? throw new MatrixException(ErrorCode.InvalidSignature, "You have no user-signing key");
            return master is not null && PublicKeyOf(master) == keyId
                ? [Verified(signed, master, signer, targetUser, keyId, PublicKeyOf(userSigning))]
                : throw new MatrixException(ErrorCode.NotFound, "Only a user's current master key can be signed");
        }

        if (devices.TryGetValue(keyId, out var device))
        {
            // One of the signer's devices, signed with their self-signing key.
            var selfSigning = Stored(signer, CrossSigningKeyReader.SelfSigning)
                              ?? throw new MatrixException(ErrorCode.InvalidSignature, "You have no self-signing key");
            return [Verified(signed, device, signer, signer, keyId, PublicKeyOf(selfSigning))];
        }

        if (master is not null && PublicKeyOf(master) == keyId)
        {
            // The signer's own master key, signed by their devices.
            var signatures = new List<KeySignature>();
            foreach (var (deviceId, deviceJson) in devices)
            {
                if (HasSignature(signed, signer, "ed25519:" + deviceId))
                {
                    var devicePublicKey = KeyJson.Parse(deviceJson).GetProperty("keys")
                        .GetProperty("ed25519:" + deviceId).GetString()!;
                    signatures.Add(Verified(signed, master, signer, signer, keyId, devicePublicKey, "ed25519:" + deviceId));
                }
            }

            return signatures.Count > 0
                ? signatures
                : throw new MatrixException(ErrorCode.InvalidSignature, "No signature by one of your devices");
        }

        throw new MatrixException(ErrorCode.NotFound, $"No key '{keyId}' of {targetUser}");
    }

    /// <summary>Checks that <paramref name="signed"/> is the stored key and that the signer's key signed it.</summary>
    private static KeySignature Verified(JsonElement signed, string stored, string signer, string targetUser,
        string targetKeyId, string signerPublicKey, string? signerKeyId = null)
    {
        if (!KeyJson.SameKey(signed, stored))
        {
            throw new MatrixException(ErrorCode.InvalidParam, "The signed key is not the key the server holds");
        }

        signerKeyId ??= "ed25519:" + signerPublicKey;
        KeyJson.CheckSignature(signed, signer, signerKeyId, UnpaddedBase64.Decode(signerPublicKey), targetKeyId);
        var signature = signed.GetProperty("signatures").GetProperty(signer).GetProperty(signerKeyId).GetString()!;
        return new KeySignature(targetUser, targetKeyId, signer, signerKeyId, signature);
    }

    private static bool HasSignature(JsonElement signed, string signer, string keyId) =>
        signed.TryGetProperty("signatures", out var all) && all.ValueKind == JsonValueKind.Object &&
        all.TryGetProperty(signer, out var bySigner) && bySigner.ValueKind == JsonValueKind.Object &&
        bySigner.TryGetProperty(keyId, out _);

    private static string PublicKeyOf(string keyJson) => CrossSigningService.PublicKey(KeyJson.Parse(keyJson));
}
