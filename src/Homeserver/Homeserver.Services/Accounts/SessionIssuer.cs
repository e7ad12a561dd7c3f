using Homeserver.Services.Configuration;

namespace Homeserver.Services.Accounts;

/// <summary>Makes the tokens for a new session: an access token, and for clients that support refreshing,
/// a refresh token and an expiry.</summary>
public sealed class SessionIssuer(SecuritySettings security, TimeProvider time)
{
    public sealed record Issued(string AccessToken, string? RefreshToken, long? ExpiresInMs, TokenHashes Hashes);

    public Issued Issue(bool refreshable)
    {
        var access = Tokens.New(Tokens.AccessPrefix);
        if (!refreshable)
        {
            return new Issued(access, null, null, new TokenHashes(Tokens.Hash(access), null, null));
        }

        var refresh = Tokens.New(Tokens.RefreshPrefix);
        var lifetime = (long)security.AccessTokenLifetime.TotalMilliseconds;
        var expires = time.GetUtcNow().ToUnixTimeMilliseconds() + lifetime;
        return new Issued(access, refresh, lifetime, new TokenHashes(Tokens.Hash(access), Tokens.Hash(refresh), expires));
    }
}
