using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Voip;

/// <summary>
/// TURN credentials for <c>GET /voip/turnServer</c>. With a shared secret they follow the TURN REST API that coturn's
/// <c>use-auth-secret</c> checks: username <c>expiry:user_id</c> (expiry in Unix seconds), password
/// base64(HMAC-SHA1(secret, username)); otherwise the configured fixed username and password.
/// </summary>
public sealed class TurnCredentials(HomeserverSettings settings, TimeProvider time)
{
    private readonly VoipSettings _voip = settings.Voip;

    /// <summary>The response body: empty when no TURN server is configured (as Synapse answers).</summary>
    public JsonObject For(Requester requester)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (_voip.TurnUris.Count == 0 || (_voip.SharedSecret is null && (_voip.Username is null || _voip.Password is null)))
        {
            return [];
        }

        if (requester.IsGuest && !_voip.AllowGuests)
        {
            throw new MatrixException(ErrorCode.Forbidden, "Guests may not use the TURN server");
        }

        string username, password;
        if (_voip.SharedSecret is { } secret)
        {
            var expiry = time.GetUtcNow().ToUnixTimeSeconds() + (long)_voip.UserLifetime.TotalSeconds;
            username = $"{expiry}:{requester.UserId.Value}";
            password = Password(secret, username);
        }
        else
        {
            username = _voip.Username!;
            password = _voip.Password!;
        }

        return new JsonObject
        {
            ["username"] = username,
            ["password"] = password,
            ["uris"] = new JsonArray(_voip.TurnUris.Select(u => (JsonNode?)JsonValue.Create(u)).ToArray()),
            ["ttl"] = (long)_voip.UserLifetime.TotalSeconds,
        };
    }

    /// <summary>base64(HMAC-SHA1(secret, username)), padded, as coturn computes it.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350",
        Justification = "The TURN REST API (coturn use-auth-secret) defines the credential as HMAC-SHA1")]
    public static string Password(string secret, string username) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username)));
}
