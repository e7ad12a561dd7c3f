using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.OAuth;

/// <summary>Dynamic client registration (spec "Dynamic client registration flow", RFC 7591): public clients only,
/// rate-limited per address like account registration since anyone may call it.</summary>
public sealed class OAuthClientRegistration(IOAuthClientStore clients, RateLimiterSet rateLimiters, TimeProvider time)
{
    /// <returns>The registration response: the new client ID with the registered metadata.</returns>
    public async Task<JsonObject> RegisterAsync(JsonElement body, string clientAddress, CancellationToken cancellationToken)
    {
        rateLimiters.RegistrationByAddress.Acquire(clientAddress);
        var metadata = OAuthClientMetadata.Validate(body);
        var clientId = RandomNumberGenerator.GetString("0123456789ABCDEFGHJKMNPQRSTVWXYZ", 26);
        await clients.AddAsync(clientId, metadata, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        return metadata.ToJson(clientId);
    }
}
