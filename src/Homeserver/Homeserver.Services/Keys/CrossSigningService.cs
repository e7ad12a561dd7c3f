using System.Text.Json;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Federation.Edus;

namespace Homeserver.Services.Keys;

/// <summary>
/// POST /keys/device_signing/upload: a user's master, self-signing and user-signing keys. The self-signing and
/// user-signing keys must be signed by the master key (the one uploaded with them, or else the stored one).
/// User-interactive auth is needed unless the user has no master key yet or the request holds no new keys. A stored
/// key that cannot be served (<see cref="StoredKeys"/>) counts as different from any upload, so it can be replaced,
/// but still as a master key for the auth rule.
/// </summary>
public sealed class CrossSigningService(ICrossSigningKeyStore store, UserInteractiveAuth uia,
    DeviceListService deviceLists, StoredKeys storedKeys, FederationEdus? federation = null,
    Homeserver.Services.OAuth.IOAuthSessionStore? oauthSessions = null)
{
    /// <summary>What a session of the OAuth 2.0 API must do instead of UIA stages it cannot show (spec v1.17).</summary>
    public static readonly IReadOnlyList<UiaFlow> OAuthFlows = [new(UiaStages.OAuth)];

    private static readonly (string Field, string Usage)[] Fields =
    [
        ("master_key", CrossSigningKeyReader.Master),
        ("self_signing_key", CrossSigningKeyReader.SelfSigning),
        ("user_signing_key", CrossSigningKeyReader.UserSigning),
    ];

    public async Task UploadAsync(Requester requester, JsonElement body, UserInteractiveAuth.Request uiaRequest,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var userId = requester.UserId.Value;
        var uploaded = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (field, usage) in Fields)
        {
            if (body.TryGetProperty(field, out var key) && key.ValueKind != JsonValueKind.Null)
            {
                ReadKey(key, field, usage, userId);
                uploaded[usage] = key;
            }
        }

        var rows = await store.GetCrossSigningKeysAsync([userId], cancellationToken);
        var stored = rows.Where(k => storedKeys.CrossSigningKey(k) is not null)
            .ToDictionary(k => k.Usage, k => k.KeyJson, StringComparer.Ordinal);
        var changed = uploaded.Where(u => !stored.TryGetValue(u.Key, out var old) ||
                                          KeyJson.Canonical(u.Value) != KeyJson.Canonical(KeyJson.Parse(old)))
            .ToList();
        var master = uploaded.TryGetValue(CrossSigningKeyReader.Master, out var newMaster) ? newMaster
            : stored.TryGetValue(CrossSigningKeyReader.Master, out var oldMaster) ? KeyJson.Parse(oldMaster)
            : throw new MatrixException(ErrorCode.MissingParam, "No master key is available");
        var masterPublicKey = PublicKey(master);
        foreach (var (usage, key) in uploaded.Where(u => u.Key != CrossSigningKeyReader.Master))
        {
            KeyJson.CheckSignature(key, userId, "ed25519:" + masterPublicKey,
                Core.Encoding.UnpaddedBase64.Decode(masterPublicKey), usage + "_key");
        }

        if (changed.Count == 0)
        {
            return; // nothing new: a retry, allowed without auth
        }

        // Appservices replace their users' keys without interactive auth (spec 1.17, "Cross-signing").
        if (rows.Any(k => k.Usage == CrossSigningKeyReader.Master) && requester.AppService is null)
        {
            var oauth = oauthSessions is not null && requester.DeviceId is { } deviceId &&
                        await oauthSessions.IsOAuthDeviceAsync(requester.UserId, deviceId, cancellationToken);
            await uia.AuthenticateAsync(oauth ? OAuthFlows : AccountManagementService.PasswordFlows, uiaRequest,
                cancellationToken);
        }

        await store.SetCrossSigningKeysAsync(userId,
            changed.Select(c => new StoredCrossSigningKey(userId, c.Key, KeyJson.Canonical(c.Value))).ToList(),
            cancellationToken);
        await deviceLists.RecordChangeAsync(requester.UserId, cancellationToken);
        await AnnounceAsync(userId, changed, cancellationToken);
    }

    /// <summary>Sends the new master and self-signing keys (never the user-signing key) to the servers sharing a room
    /// with the user (<c>m.signing_key_update</c>).</summary>
    private async Task AnnounceAsync(string userId, List<KeyValuePair<string, JsonElement>> changed,
        CancellationToken cancellationToken)
    {
        var content = new System.Text.Json.Nodes.JsonObject { ["user_id"] = userId };
        foreach (var (usage, key) in changed.Where(c => c.Key != CrossSigningKeyReader.UserSigning))
        {
            content[usage + "_key"] = System.Text.Json.Nodes.JsonNode.Parse(key.GetRawText());
        }

        if (federation is not null && content.Count > 1)
        {
            await federation.ToServersSharingRoomsWithAsync(userId, EduTypes.SigningKeyUpdate, content,
                cancellationToken);
        }
    }

    /// <summary>The public key of a cross-signing key: its one <c>ed25519:&lt;public key&gt;</c> entry.</summary>
    public static string PublicKey(JsonElement key) =>
        key.GetProperty("keys").EnumerateObject().Single().Value.GetString()!;

    private static void ReadKey(JsonElement key, string field, string usage, string userId)
    {
        if (key.ValueKind != JsonValueKind.Object)
        {
            throw new MatrixException(ErrorCode.BadJson, $"'{field}' must be an object");
        }

        if (KeyJson.RequiredString(key, "user_id", field) != userId)
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"'{field}.user_id' must be the caller");
        }

        if (!key.TryGetProperty("usage", out var usages) || usages.ValueKind != JsonValueKind.Array ||
            !usages.EnumerateArray().Any(u => u.ValueKind == JsonValueKind.String && u.GetString() == usage))
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"'{field}.usage' must contain '{usage}'");
        }

        KeyJson.PublicKey(key, "", field); // checks the shape of "keys"
        var keys = key.GetProperty("keys").EnumerateObject().ToList();
        if (keys.Count != 1 || keys[0].Name != "ed25519:" + keys[0].Value.GetString() ||
            !Core.Encoding.UnpaddedBase64.TryDecode(keys[0].Value.GetString()!, out var bytes) || bytes.Length != 32)
        {
            throw new MatrixException(ErrorCode.InvalidParam,
                $"'{field}.keys' must hold exactly one key, 'ed25519:<public key>': '<public key>'");
        }
    }
}
