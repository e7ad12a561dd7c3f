using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Social;

/// <summary>
/// OpenID tokens: a user proves who they are to a third party (an integration manager, a widget), which asks this
/// server's federation API <c>/openid/userinfo</c> to resolve the token. Tokens live an hour and prove nothing else:
/// they are not access tokens.
/// </summary>
public sealed class OpenIdTokenService(IOpenIdTokenStore store, HomeserverSettings settings, TimeProvider time)
{
    public const string TokenPrefix = "moi_";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>POST /user/{userId}/openid/request_token: only for the requester itself.</summary>
    public async Task<JsonObject> RequestTokenAsync(Requester requester, string userId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (userId != requester.UserId.Value)
        {
            throw new MatrixException(ErrorCode.Forbidden, "Cannot request OpenID tokens for other users");
        }

        var token = Tokens.New(TokenPrefix);
        var now = time.GetUtcNow();
        await store.AddAsync(Tokens.Hash(token), requester.UserId, (now + Lifetime).ToUnixTimeMilliseconds(),
            now.ToUnixTimeMilliseconds(), cancellationToken);
        return new JsonObject
        {
            ["access_token"] = token,
            ["token_type"] = "Bearer",
            ["matrix_server_name"] = settings.ServerName.Value,
            ["expires_in"] = (long)Lifetime.TotalSeconds,
        };
    }

    /// <summary>The user an OpenID token was issued to, or null when the token is unknown or expired (for the
    /// federation API's <c>GET /openid/userinfo</c>).</summary>
    public Task<string?> ResolveAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return store.FindUserAsync(Tokens.Hash(token), time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
    }
}
