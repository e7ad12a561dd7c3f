using System.Security.Cryptography;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.OAuth;

/// <summary>A device authorisation grant as stored.</summary>
/// <param name="Status">pending, approved, denied or exchanged.</param>
public sealed record DeviceGrant(string ClientId, string Scope, string DeviceId, string UserCode, long ExpiresTs,
    string Status, UserId? UserId);

/// <summary>A poll of the token endpoint: the grant before this poll, and when it was polled before.</summary>
public sealed record PolledGrant(DeviceGrant Grant, long? LastPollTs);

/// <summary>The <c>oauth_device_grants</c> table.</summary>
public interface IDeviceGrantStore
{
    Task AddAsync(byte[] deviceCodeHash, DeviceGrant grant, long nowTs, CancellationToken cancellationToken);

    /// <returns>The pending, unexpired grant of this user code; null otherwise.</returns>
    Task<DeviceGrant?> GetPendingAsync(string userCode, long nowTs, CancellationToken cancellationToken);

    /// <returns>False when the grant is no longer pending or has expired.</returns>
    Task<bool> DecideAsync(string userCode, UserId userId, bool approve, long nowTs, CancellationToken cancellationToken);

    /// <summary>Records the poll and, for an approved grant, marks it exchanged in the same statement.</summary>
    Task<PolledGrant?> PollAsync(byte[] deviceCodeHash, long nowTs, CancellationToken cancellationToken);
}

/// <summary>
/// The device authorisation grant (spec "Device authorisation flow", RFC 8628): a client without a browser gets a
/// device code to poll with and a user code that a person approves on this server's pages, on any device.
/// </summary>
public sealed class DeviceAuthorization(IOAuthClientStore clients, IDeviceGrantStore grants, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);
    public const int IntervalSeconds = 5;
    private const string UserCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ";

    public sealed record Started(string DeviceCode, string UserCode, long ExpiresInSeconds, int Interval);

    /// <summary>The device authorization endpoint.</summary>
    /// <exception cref="OAuthException">Unknown client, a client without the grant, or an unusable scope.</exception>
    public async Task<Started> StartAsync(IReadOnlyDictionary<string, string> form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        var clientId = form.GetValueOrDefault("client_id");
        var client = string.IsNullOrEmpty(clientId) ? null : await clients.GetAsync(clientId, cancellationToken);
        if (client is null)
        {
            throw new OAuthException(OAuthException.InvalidClient, "Unknown client_id", 401);
        }

        if (!client.Metadata.Allows(OAuthClientMetadata.DeviceCode))
        {
            throw new OAuthException("unauthorized_client", "The client did not register the device_code grant");
        }

        var scope = OAuthScope.Parse(form.GetValueOrDefault("scope"), out var problem)
                    ?? throw new OAuthException(OAuthException.InvalidScope, problem);
        var deviceCode = Tokens.New("mod_");
        var userCode = RandomNumberGenerator.GetString(UserCodeAlphabet, 8).Insert(4, "-");
        var now = time.GetUtcNow();
        await grants.AddAsync(Tokens.Hash(deviceCode), new DeviceGrant(client.ClientId, scope.ToString(),
            scope.DeviceId, userCode, (now + Lifetime).ToUnixTimeMilliseconds(), "pending", null),
            now.ToUnixTimeMilliseconds(), cancellationToken);
        return new Started(deviceCode, userCode, (long)Lifetime.TotalSeconds, IntervalSeconds);
    }

    /// <summary>The pending grant a person typed the code of (any case, with or without the dash).</summary>
    public async Task<(DeviceGrant Grant, OAuthClient Client)?> FindAsync(string? userCode,
        CancellationToken cancellationToken)
    {
        if (Normalize(userCode) is not { } code)
        {
            return null;
        }

        var grant = await grants.GetPendingAsync(code, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        var client = grant is null ? null : await clients.GetAsync(grant.ClientId, cancellationToken);
        return client is null ? null : (grant!, client);
    }

    public Task<bool> DecideAsync(string userCode, UserId userId, bool approve, CancellationToken cancellationToken) =>
        Normalize(userCode) is { } code
            ? grants.DecideAsync(code, userId, approve, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken)
            : Task.FromResult(false);

    /// <summary>A poll of the token endpoint: the approved grant, or the RFC 8628 section 3.5 error.</summary>
    public async Task<DeviceGrant> PollAsync(OAuthClient client, string deviceCode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var polled = await grants.PollAsync(Tokens.Hash(deviceCode), now, cancellationToken);
        if (polled is null || polled.Grant.ClientId != client.ClientId)
        {
            throw new OAuthException(OAuthException.InvalidGrant, "Unknown device_code");
        }

        var grant = polled.Grant;
        if (grant.ExpiresTs <= now && grant.Status != "approved")
        {
            throw new OAuthException("expired_token", "The device code has expired");
        }

        return grant.Status switch
        {
            "approved" => grant,
            "denied" => throw new OAuthException("access_denied", "The user declined the request"),
            "pending" when polled.LastPollTs is { } last && now - last < IntervalSeconds * 1000L =>
                throw new OAuthException("slow_down", $"Poll at most every {IntervalSeconds} seconds"),
            "pending" => throw new OAuthException("authorization_pending", "The user has not answered yet"),
            _ => throw new OAuthException(OAuthException.InvalidGrant, "The device code was already used"),
        };
    }

    private static string? Normalize(string? userCode)
    {
        var letters = new string((userCode ?? "").Where(char.IsAsciiLetter).Select(char.ToUpperInvariant).ToArray());
        return letters.Length == 8 && letters.All(c => UserCodeAlphabet.Contains(c, StringComparison.Ordinal))
            ? letters.Insert(4, "-")
            : null;
    }
}
