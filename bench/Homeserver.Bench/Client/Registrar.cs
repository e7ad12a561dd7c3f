using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Bench.Client;

/// <summary>
/// Makes the run's users: <c>POST /register</c> through user-interactive auth (the <c>m.login.dummy</c> and
/// <c>m.login.registration_token</c> stages), or Synapse's shared-secret admin registration. 429s are waited out.
/// Usernames carry the run's prefix, so runs repeat against the same server.
/// </summary>
public sealed class Registrar
{
    /// <summary>The password of every user this tool makes.</summary>
    public const string Password = "bench-password-not-secret";
    private const int MaxStages = 6;
    private readonly MatrixApi _api;
    private readonly string? _registrationToken;
    private readonly string? _sharedSecret;

    public Registrar(MatrixApi api, string runPrefix, string? registrationToken, string? sharedSecret)
    {
        _api = api;
        RunPrefix = runPrefix;
        _registrationToken = registrationToken;
        _sharedSecret = sharedSecret;
    }

    /// <summary>Lowercase letters and digits naming this run; every localpart starts with it.</summary>
    public string RunPrefix { get; }

    /// <summary>Registers <paramref name="count"/> users named <c>{prefix}_{role}_{i}</c>, a few at a time.</summary>
    public async Task<IReadOnlyList<Session>> RegisterManyAsync(string role, int count, CancellationToken cancellationToken)
    {
        var sessions = new Session[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), Setup.Parallelism(cancellationToken),
            async (i, ct) => sessions[i] = await RegisterAsync($"{role}_{i}", ct));
        return sessions;
    }

    public Task<Session> RegisterAsync(string role, CancellationToken cancellationToken)
    {
        var localpart = $"{RunPrefix}_{role}".ToLowerInvariant();
        return _sharedSecret is null
            ? RegisterInteractiveAsync(localpart, cancellationToken)
            : RegisterWithSharedSecretAsync(localpart, cancellationToken);
    }

    private async Task<Session> RegisterInteractiveAsync(string localpart, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["username"] = localpart,
            ["password"] = Password,
            ["initial_device_display_name"] = "homeserver-bench",
        };
        for (var round = 0; round < MaxStages; round++)
        {
            var response = await PostRetryingAsync("/_matrix/client/v3/register", body, cancellationToken);
            if (response.Ok)
            {
                return SessionFrom(response, localpart);
            }

            if (response.Status != 401 || response.StringProperty("session") is not { } uiaSession)
            {
                throw new BenchSetupException($"registering {localpart} failed: {response}");
            }

            body["auth"] = NextStage(response.Body, uiaSession, localpart);
        }

        throw new BenchSetupException($"registering {localpart}: the server kept asking for more stages");
    }

    /// <summary>The auth dict completing the next stage of a flow made only of stages this tool can do.</summary>
    private JsonObject NextStage(JsonElement challenge, string uiaSession, string localpart)
    {
        var completed = challenge.TryGetProperty("completed", out var done) && done.ValueKind == JsonValueKind.Array
            ? done.EnumerateArray().Select(s => s.GetString()).ToHashSet()
            : [];
        var doable = new HashSet<string?> { "m.login.dummy" };
        if (_registrationToken is not null)
        {
            doable.Add("m.login.registration_token");
        }

        var flows = challenge.TryGetProperty("flows", out var f) && f.ValueKind == JsonValueKind.Array
            ? f.EnumerateArray()
                .Select(flow => flow.GetProperty("stages").EnumerateArray().Select(s => s.GetString()).ToList())
                .ToList()
            : [];
        var flowToUse = flows.FirstOrDefault(stages => stages.All(doable.Contains))
                        ?? throw new BenchSetupException(
                            $"registering {localpart}: no flow this tool can complete (flows: {f}); " +
                            "open registration, or pass --registration-token or --shared-secret");
        var stage = flowToUse.FirstOrDefault(s => !completed.Contains(s))
                    ?? throw new BenchSetupException($"registering {localpart}: every stage done but no account");
        var auth = new JsonObject { ["type"] = stage, ["session"] = uiaSession };
        if (stage == "m.login.registration_token")
        {
            auth["token"] = _registrationToken;
        }

        return auth;
    }

    private async Task<Session> RegisterWithSharedSecretAsync(string localpart, CancellationToken cancellationToken)
    {
        const string path = "/_synapse/admin/v1/register";
        var nonceResponse = await Setup.CallAsync(ct => _api.Http.GetAsync(path, null, ct), "shared-secret nonce",
            cancellationToken);
        var nonce = nonceResponse.StringProperty("nonce") ?? throw new BenchSetupException($"no nonce: {nonceResponse}");
        var message = Encoding.UTF8.GetBytes($"{nonce}\0{localpart}\0{Password}\0notadmin");
        // Synapse's shared-secret registration is defined with HMAC-SHA1; nothing else is accepted there.
#pragma warning disable CA5350
        var mac = Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(_sharedSecret!), message));
#pragma warning restore CA5350
        var response = await PostRetryingAsync(path, new JsonObject
        {
            ["nonce"] = nonce,
            ["username"] = localpart,
            ["password"] = Password,
            ["admin"] = false,
            ["mac"] = mac,
        }, cancellationToken);
        return response.Ok
            ? SessionFrom(response, localpart)
            : throw new BenchSetupException($"shared-secret registration of {localpart} failed: {response}");
    }

    /// <summary>A POST repeated while the server answers 429; any other answer is returned.</summary>
    private async Task<ApiResponse> PostRetryingAsync(string path, JsonObject body, CancellationToken cancellationToken)
    {
        while (true)
        {
            var response = await _api.Http.SendAsync(HttpMethod.Post, path, null, body, cancellationToken);
            if (response.Status != 429)
            {
                return response;
            }

            await Task.Delay(response.RetryAfter!.Value, cancellationToken);
        }
    }

    private static Session SessionFrom(ApiResponse response, string localpart) =>
        new(response.StringProperty("user_id") ?? throw new BenchSetupException($"registering {localpart}: no user_id"),
            response.StringProperty("access_token") ?? throw new BenchSetupException($"registering {localpart}: no access_token"));
}
