using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Keys;

/// <summary>
/// The other servers' part of /keys/query and /keys/claim: each server is asked once, all in parallel, within the
/// request's <c>timeout</c>; a server that gives no answer is recorded in <c>failures</c> under its name (spec), and
/// only keys of the users asked of it, that name their user and device, are taken from its answer.
/// </summary>
public sealed class RemoteKeyFanOut(IRemoteKeyQueries? remote = null)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The body's <c>timeout</c> in milliseconds (10 s by default, at most 60 s).</summary>
    public static TimeSpan Timeout(JsonElement body)
    {
        if (!body.TryGetProperty("timeout", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return DefaultTimeout;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var ms)
            ? TimeSpan.FromMilliseconds(Math.Clamp(ms, 0, (long)MaxTimeout.TotalMilliseconds))
            : throw new Core.Errors.MatrixException(Core.Errors.ErrorCode.BadJson, "'timeout' must be an integer");
    }

    public static void Add(Dictionary<ServerName, JsonObject> byServer, UserId user, JsonNode request)
    {
        ArgumentNullException.ThrowIfNull(byServer);
        if (!byServer.TryGetValue(user.Domain, out var users))
        {
            byServer[user.Domain] = users = new JsonObject();
        }

        users[user.Value] = request;
    }

    /// <summary>Asks each server for its users' keys and adds them to <paramref name="response"/>'s device_keys,
    /// master_keys and self_signing_keys.</summary>
    /// <returns>The <c>failures</c> object.</returns>
    public Task<JsonObject> QueryAsync(Dictionary<ServerName, JsonObject> byServer, TimeSpan timeout,
        JsonObject response, CancellationToken cancellationToken) =>
        FanOutAsync(byServer, (r, server, users, ct) => r.QueryAsync(server, users, timeout, ct),
            (users, answer) => MergeQuery(users, answer, response), cancellationToken);

    /// <summary>Claims each server's users' keys into <paramref name="oneTimeKeys"/>.</summary>
    /// <returns>The <c>failures</c> object.</returns>
    public Task<JsonObject> ClaimAsync(Dictionary<ServerName, JsonObject> byServer, TimeSpan timeout,
        JsonObject oneTimeKeys, CancellationToken cancellationToken) =>
        FanOutAsync(byServer, (r, server, users, ct) => r.ClaimAsync(server, users, timeout, ct),
            (users, answer) => MergeClaim(users, answer, oneTimeKeys), cancellationToken);

    private async Task<JsonObject> FanOutAsync(Dictionary<ServerName, JsonObject> byServer,
        Func<IRemoteKeyQueries, ServerName, JsonObject, CancellationToken, Task<JsonObject>> ask,
        Action<JsonObject, JsonObject> merge, CancellationToken cancellationToken)
    {
        var failures = new JsonObject();
        if (byServer.Count == 0)
        {
            return failures;
        }

        if (remote is null)
        {
            foreach (var server in byServer.Keys)
            {
                failures[server.Value] = Failure(503, "Federation is not available");
            }

            return failures;
        }

        var asked = byServer.Select(async entry =>
        {
            try
            {
                return (entry.Key, entry.Value, Answer: await ask(remote, entry.Key, entry.Value, cancellationToken),
                    Failure: (RemoteKeyException?)null);
            }
            catch (RemoteKeyException e)
            {
                return (entry.Key, entry.Value, Answer: (JsonObject?)null, Failure: e);
            }
        }).ToList();
        foreach (var (server, users, answer, failure) in await Task.WhenAll(asked))
        {
            if (answer is null)
            {
                failures[server.Value] = Failure(failure!.Status, failure.Message);
                continue;
            }

            merge(users, answer);
        }

        return failures;
    }

    private static JsonObject Failure(int status, string message) =>
        new() { ["status"] = status, ["message"] = message };

    private static void MergeQuery(JsonObject users, JsonObject answer, JsonObject response)
    {
        var deviceKeys = Section(response, "device_keys");
        foreach (var (userId, _) in users)
        {
            var devices = new JsonObject();
            if (answer["device_keys"]?[userId] is JsonObject theirs)
            {
                foreach (var (deviceId, keys) in theirs)
                {
                    if (keys is JsonObject device && Names(device, "user_id", userId) &&
                        Names(device, "device_id", deviceId))
                    {
                        devices[deviceId] = device.DeepClone();
                    }
                }
            }

            deviceKeys[userId] = devices;
            foreach (var section in (string[])["master_keys", "self_signing_keys"])
            {
                if (answer[section]?[userId] is JsonObject key && Names(key, "user_id", userId))
                {
                    Section(response, section)[userId] = key.DeepClone();
                }
            }
        }
    }

    private static void MergeClaim(JsonObject users, JsonObject answer, JsonObject oneTimeKeys)
    {
        foreach (var (userId, requested) in users)
        {
            if (answer["one_time_keys"]?[userId] is not JsonObject theirs || requested is not JsonObject devices)
            {
                continue;
            }

            var claimed = new JsonObject();
            foreach (var (deviceId, keys) in theirs)
            {
                if (devices.ContainsKey(deviceId) && keys is JsonObject)
                {
                    claimed[deviceId] = keys.DeepClone();
                }
            }

            if (claimed.Count > 0)
            {
                oneTimeKeys[userId] = claimed;
            }
        }
    }

    private static JsonObject Section(JsonObject response, string name) =>
        response[name] as JsonObject ?? (JsonObject)(response[name] = new JsonObject());

    private static bool Names(JsonObject json, string property, string expected) =>
        json[property]?.GetValueKind() == JsonValueKind.String &&
        string.Equals(json[property]!.GetValue<string>(), expected, StringComparison.Ordinal);
}
