using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Keys;

/// <summary>POST /keys/upload, /keys/query and /keys/claim for local users (other servers' users are reported in
/// <c>failures</c> until federation exists). A stored key that cannot be served is left out
/// (<see cref="StoredKeys"/>).</summary>
public sealed class KeyService(IDeviceKeyStore keys, CrossSigningKeyReader crossSigning, DeviceListService deviceLists,
    StoredKeys storedKeys, HomeserverSettings settings)
{
    /// <summary>Always counted, even at zero: clients (Element) read its absence as "no keys uploaded yet".</summary>
    public const string SignedCurve25519 = "signed_curve25519";

    public async Task<JsonObject> UploadAsync(Requester requester, JsonElement body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var userId = requester.UserId.Value;
        var deviceId = requester.DeviceId;
        string? deviceKeys = null;
        if (body.TryGetProperty("device_keys", out var uploaded) && uploaded.ValueKind != JsonValueKind.Null)
        {
            deviceKeys = KeyJson.ReadDeviceKeys(uploaded, userId, deviceId);
        }

        var oneTimeKeys = KeyJson.ReadKeyMap(body, "one_time_keys");
        var fallbackKeys = KeyJson.ReadKeyMap(body, "fallback_keys");
        if (oneTimeKeys.Count > 0 &&
            await keys.AddOneTimeKeysAsync(userId, deviceId, oneTimeKeys, cancellationToken) is { } conflict)
        {
            throw new MatrixException(ErrorCode.InvalidParam,
                $"One-time key {conflict} already exists with a different value");
        }

        if (fallbackKeys.Count > 0)
        {
            await keys.SetFallbackKeysAsync(userId, deviceId, fallbackKeys, cancellationToken);
        }

        if (deviceKeys is not null && await keys.SetDeviceKeysAsync(userId, deviceId, deviceKeys, cancellationToken))
        {
            await deviceLists.RecordChangeAsync(requester.UserId, cancellationToken);
        }

        return new JsonObject { ["one_time_key_counts"] = await CountsAsync(requester, cancellationToken) };
    }

    /// <summary>The device's unclaimed one-time keys per algorithm (signed_curve25519 always present).</summary>
    public async Task<JsonObject> CountsAsync(Requester requester, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        return CountsJson(await keys.CountOneTimeKeysAsync(requester.UserId.Value, requester.DeviceId,
            cancellationToken));
    }

    /// <summary>/sync's <c>device_one_time_keys_count</c> and <c>device_unused_fallback_key_types</c>, in one read.</summary>
    public async Task<(JsonObject Counts, JsonArray UnusedFallbackTypes)> SyncFieldsAsync(Requester requester,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var (counts, fallback) = await keys.GetKeyInventoryAsync(requester.UserId.Value, requester.DeviceId,
            cancellationToken);
        return (CountsJson(counts), new JsonArray(fallback.Select(t => (JsonNode?)t).ToArray()));
    }

    private static JsonObject CountsJson(IReadOnlyDictionary<string, int> counts)
    {
        var json = new JsonObject { [SignedCurve25519] = 0 };
        foreach (var (algorithm, count) in counts)
        {
            json[algorithm] = count;
        }

        return json;
    }

    public async Task<JsonObject> QueryAsync(Requester requester, JsonElement body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var query = RequiredObject(body, "device_keys");
        var wanted = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var failures = new JsonObject();
        foreach (var user in query.EnumerateObject())
        {
            if (user.Value.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null) ||
                (user.Value.ValueKind == JsonValueKind.Array &&
                 user.Value.EnumerateArray().Any(d => d.ValueKind != JsonValueKind.String)))
            {
                throw new MatrixException(ErrorCode.BadJson, $"'device_keys.{user.Name}' must be an array of device IDs");
            }

            if (IsLocal(user.Name, failures))
            {
                wanted[user.Name] = user.Value.ValueKind == JsonValueKind.Array
                    ? user.Value.EnumerateArray().Select(d => d.GetString()!).ToHashSet(StringComparer.Ordinal)
                    : [];
            }
        }

        var signatures = await crossSigning.GetSignaturesAsync(wanted.Keys, cancellationToken);
        var result = new JsonObject();
        foreach (var userId in wanted.Keys)
        {
            result[userId] = new JsonObject();
        }

        foreach (var device in await keys.GetDeviceKeysAsync(wanted.Keys, cancellationToken))
        {
            var devices = wanted[device.UserId];
            if (devices.Count > 0 && !devices.Contains(device.DeviceId))
            {
                continue;
            }

            if (storedKeys.DeviceKeys(device) is not { } json)
            {
                continue;
            }

            CrossSigningKeyReader.MergeSignatures(json, signatures, device.UserId, device.DeviceId, requester.UserId.Value);
            json["unsigned"] = device.DisplayName is null
                ? new JsonObject()
                : new JsonObject { ["device_display_name"] = device.DisplayName };
            result[device.UserId]!.AsObject()[device.DeviceId] = json;
        }

        var response = new JsonObject { ["device_keys"] = result, ["failures"] = failures };
        await crossSigning.AddToQueryAsync(response, requester, wanted.Keys, signatures, cancellationToken);
        return response;
    }

    public async Task<JsonObject> ClaimAsync(JsonElement body, CancellationToken cancellationToken)
    {
        var query = RequiredObject(body, "one_time_keys");
        var failures = new JsonObject();
        var result = new JsonObject();
        foreach (var user in query.EnumerateObject())
        {
            if (user.Value.ValueKind != JsonValueKind.Object ||
                user.Value.EnumerateObject().Any(d => d.Value.ValueKind != JsonValueKind.String))
            {
                throw new MatrixException(ErrorCode.BadJson, $"'one_time_keys.{user.Name}' must map device IDs to algorithms");
            }

            if (!IsLocal(user.Name, failures))
            {
                continue;
            }

            foreach (var device in user.Value.EnumerateObject())
            {
                if (await ClaimServableAsync(user.Name, device.Name, device.Value.GetString()!, cancellationToken) is
                    { } claimed)
                {
                    var devices = result[user.Name]?.AsObject() ?? (JsonObject)(result[user.Name] = new JsonObject());
                    devices[device.Name] = new JsonObject { [claimed.KeyId] = claimed.Key };
                }
            }
        }

        return new JsonObject { ["one_time_keys"] = result, ["failures"] = failures };
    }

    /// <summary>
    /// Claims a key that can be served: a one-time key that cannot is gone once claimed, so the next is taken; a
    /// fallback key that cannot is not handed out (it is the last resort, and claiming it again returns it again).
    /// </summary>
    private async Task<(string KeyId, JsonNode Key)?> ClaimServableAsync(string userId, string deviceId,
        string algorithm, CancellationToken cancellationToken)
    {
        while (await keys.ClaimAsync(userId, deviceId, algorithm, cancellationToken) is { } claimed)
        {
            if (storedKeys.ClaimedKey(userId, deviceId, claimed) is { } key)
            {
                return ($"{claimed.Algorithm}:{claimed.KeyId}", key);
            }

            if (claimed.Fallback)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>True for a local user; another server's users are recorded in failures (M_INVALID_PARAM if not a
    /// user ID at all).</summary>
    private bool IsLocal(string user, JsonObject failures)
    {
        if (!UserId.TryParse(user, out var userId, out var error))
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"'{user}' is not a user ID: {error}");
        }

        if (userId.Domain == settings.ServerName)
        {
            return true;
        }

        // No federation yet: other servers are reported unreachable, as the spec's failures map is for.
        failures[userId.Domain.Value] = new JsonObject { ["status"] = 503, ["message"] = "Federation is not available" };
        return false;
    }

    private static JsonElement RequiredObject(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value))
        {
            throw new MatrixException(ErrorCode.MissingParam, $"'{name}' is required");
        }

        return value.ValueKind == JsonValueKind.Object
            ? value
            : throw new MatrixException(ErrorCode.BadJson, $"'{name}' must be an object");
    }
}
