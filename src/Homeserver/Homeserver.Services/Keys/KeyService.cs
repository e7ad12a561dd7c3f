using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Keys;

/// <summary>POST /keys/upload, /keys/query and /keys/claim (other servers' users asked of their servers through
/// <see cref="RemoteKeyFanOut"/>), and federation's /user/keys/query and /user/keys/claim for this server's users. A
/// stored key that cannot be served is left out (<see cref="StoredKeys"/>).</summary>
public sealed class KeyService(IDeviceKeyStore keys, CrossSigningKeyReader crossSigning, DeviceListService deviceLists,
    StoredKeys storedKeys, HomeserverSettings settings, RemoteKeyFanOut fanOut)
{
    /// <summary>Always counted, even at zero: clients (Element) read its absence as "no keys uploaded yet".</summary>
    public const string SignedCurve25519 = "signed_curve25519";

    public async Task<JsonObject> UploadAsync(Requester requester, JsonElement body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var userId = requester.UserId.Value;
        var deviceId = requester.RequireDevice("upload keys");
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
        return CountsJson(await keys.CountOneTimeKeysAsync(requester.UserId.Value,
            requester.RequireDevice("count one-time keys"), cancellationToken));
    }

    /// <summary>/sync's <c>device_one_time_keys_count</c> and <c>device_unused_fallback_key_types</c>, in one read
    /// (both empty for an appservice syncing without a device).</summary>
    public async Task<(JsonObject Counts, JsonArray UnusedFallbackTypes)> SyncFieldsAsync(Requester requester,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (requester.DeviceId is null)
        {
            return (new JsonObject(), new JsonArray());
        }

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

    /// <summary>POST /keys/query: local users from the stores, other servers' users asked of their servers in
    /// parallel (<see cref="RemoteKeyFanOut"/>).</summary>
    public async Task<JsonObject> QueryAsync(Requester requester, JsonElement body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var query = RequiredObject(body, "device_keys");
        var wanted = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var remote = new Dictionary<ServerName, JsonObject>();
        foreach (var user in ReadDeviceQuery(query))
        {
            if (user.UserId.Domain == settings.ServerName)
            {
                wanted[user.UserId.Value] = user.Devices.ToHashSet(StringComparer.Ordinal);
            }
            else
            {
                RemoteKeyFanOut.Add(remote, user.UserId,
                    new JsonArray(user.Devices.Select(d => (JsonNode?)d).ToArray()));
            }
        }

        var response = await QueryLocalAsync(wanted, requester.UserId.Value, cancellationToken);
        response["failures"] = await fanOut.QueryAsync(remote, RemoteKeyFanOut.Timeout(body), response,
            cancellationToken);
        return response;
    }

    /// <summary>Federation's /user/keys/query: this server's users only (others are left out), as another server
    /// sees them (their own signatures, no user-signing keys).</summary>
    public async Task<JsonObject> QueryForServerAsync(JsonElement body, CancellationToken cancellationToken)
    {
        var wanted = ReadDeviceQuery(RequiredObject(body, "device_keys"))
            .Where(u => u.UserId.Domain == settings.ServerName)
            .ToDictionary(u => u.UserId.Value, u => u.Devices.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        return await QueryLocalAsync(wanted, null, cancellationToken);
    }

    /// <summary>The keys of local users: device_keys, master_keys, self_signing_keys (and the viewer's own
    /// user_signing_keys; none for another server, <paramref name="viewerUserId"/> null).</summary>
    private async Task<JsonObject> QueryLocalAsync(Dictionary<string, HashSet<string>> wanted, string? viewerUserId,
        CancellationToken cancellationToken)
    {
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

            CrossSigningKeyReader.MergeSignatures(json, signatures, device.UserId, device.DeviceId, viewerUserId);
            json["unsigned"] = device.DisplayName is null
                ? new JsonObject()
                : new JsonObject { ["device_display_name"] = device.DisplayName };
            result[device.UserId]!.AsObject()[device.DeviceId] = json;
        }

        var response = new JsonObject { ["device_keys"] = result };
        await crossSigning.AddToQueryAsync(response, viewerUserId, wanted.Keys, signatures, cancellationToken);
        return response;
    }

    /// <summary>POST /keys/claim: local users' keys claimed here, other servers' claimed from them in parallel.</summary>
    public async Task<JsonObject> ClaimAsync(JsonElement body, CancellationToken cancellationToken)
    {
        var result = new JsonObject();
        var remote = new Dictionary<ServerName, JsonObject>();
        foreach (var (user, devices) in ReadClaimQuery(RequiredObject(body, "one_time_keys")))
        {
            if (user.Domain == settings.ServerName)
            {
                await ClaimLocalAsync(user.Value, devices, result, cancellationToken);
            }
            else
            {
                RemoteKeyFanOut.Add(remote, user,
                    new JsonObject(devices.Select(d => KeyValuePair.Create(d.DeviceId, (JsonNode?)d.Algorithm))));
            }
        }

        var failures = await fanOut.ClaimAsync(remote, RemoteKeyFanOut.Timeout(body), result, cancellationToken);
        return new JsonObject { ["one_time_keys"] = result, ["failures"] = failures };
    }

    /// <summary>Federation's /user/keys/claim: keys of this server's users only (others are left out).</summary>
    public async Task<JsonObject> ClaimForServerAsync(JsonElement body, CancellationToken cancellationToken)
    {
        var result = new JsonObject();
        foreach (var (user, devices) in ReadClaimQuery(RequiredObject(body, "one_time_keys")))
        {
            if (user.Domain == settings.ServerName)
            {
                await ClaimLocalAsync(user.Value, devices, result, cancellationToken);
            }
        }

        return new JsonObject { ["one_time_keys"] = result };
    }

    private async Task ClaimLocalAsync(string userId, IReadOnlyList<(string DeviceId, string Algorithm)> devices,
        JsonObject result, CancellationToken cancellationToken)
    {
        foreach (var (deviceId, algorithm) in devices)
        {
            if (await ClaimServableAsync(userId, deviceId, algorithm, cancellationToken) is { } claimed)
            {
                var claimedDevices = result[userId]?.AsObject() ?? (JsonObject)(result[userId] = new JsonObject());
                claimedDevices[deviceId] = new JsonObject { [claimed.KeyId] = claimed.Key };
            }
        }
    }

    private static List<(UserId UserId, List<string> Devices)> ReadDeviceQuery(JsonElement query)
    {
        var users = new List<(UserId, List<string>)>();
        foreach (var user in query.EnumerateObject())
        {
            if (user.Value.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null) ||
                (user.Value.ValueKind == JsonValueKind.Array &&
                 user.Value.EnumerateArray().Any(d => d.ValueKind != JsonValueKind.String)))
            {
                throw new MatrixException(ErrorCode.BadJson, $"'device_keys.{user.Name}' must be an array of device IDs");
            }

            users.Add((ParseUser(user.Name), user.Value.ValueKind == JsonValueKind.Array
                ? user.Value.EnumerateArray().Select(d => d.GetString()!).ToList()
                : []));
        }

        return users;
    }

    private static List<(UserId UserId, IReadOnlyList<(string DeviceId, string Algorithm)> Devices)> ReadClaimQuery(
        JsonElement query)
    {
        var users = new List<(UserId, IReadOnlyList<(string, string)>)>();
        foreach (var user in query.EnumerateObject())
        {
            if (user.Value.ValueKind != JsonValueKind.Object ||
                user.Value.EnumerateObject().Any(d => d.Value.ValueKind != JsonValueKind.String))
            {
                throw new MatrixException(ErrorCode.BadJson, $"'one_time_keys.{user.Name}' must map device IDs to algorithms");
            }

            users.Add((ParseUser(user.Name),
                user.Value.EnumerateObject().Select(d => (d.Name, d.Value.GetString()!)).ToList()));
        }

        return users;
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

    private static UserId ParseUser(string user) =>
        UserId.TryParse(user, out var userId, out var error)
            ? userId
            : throw new MatrixException(ErrorCode.InvalidParam, $"'{user}' is not a user ID: {error}");

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
