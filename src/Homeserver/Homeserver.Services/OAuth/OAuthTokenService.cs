using Homeserver.Services.Accounts;

namespace Homeserver.Services.OAuth;

/// <summary>
/// The token and revocation endpoints (spec "Grant types", "Token revocation"): codes and refresh tokens become
/// access tokens in the same tables as password logins, so they authenticate everywhere; revoking a token logs out its
/// device.
/// </summary>
public sealed class OAuthTokenService(
    IOAuthClientStore clients,
    IAuthorizationRequestStore requests,
    IOAuthSessionStore oauthSessions,
    DeviceAuthorization deviceAuthorization,
    ISessionStore sessions,
    SessionIssuer issuer,
    IAccountStore accounts,
    IEnumerable<IDeviceListObserver> deviceObservers,
    TimeProvider time)
{
    public sealed record TokenResponse(string AccessToken, string RefreshToken, long ExpiresInSeconds, string Scope);

    /// <summary>The token endpoint: dispatches on <c>grant_type</c>.</summary>
    /// <exception cref="OAuthException">Any refusal, in RFC 6749 terms.</exception>
    public async Task<TokenResponse> GrantAsync(IReadOnlyDictionary<string, string> form,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        var grantType = Required(form, "grant_type");
        var client = await ClientAsync(form, cancellationToken);
        return grantType switch
        {
            OAuthClientMetadata.AuthorizationCode => await ExchangeCodeAsync(client, form, cancellationToken),
            OAuthClientMetadata.RefreshToken => await RefreshAsync(client, form, cancellationToken),
            OAuthClientMetadata.DeviceCode => await ExchangeDeviceCodeAsync(client, form, cancellationToken),
            _ => throw new OAuthException(OAuthException.UnsupportedGrantType, $"Unsupported grant_type '{grantType}'"),
        };
    }

    /// <summary>Revokes the access and refresh tokens of <paramref name="token"/>'s device by logging it out; an
    /// unknown token is not an error (RFC 7009), and neither is a client_id that is not the token's.</summary>
    public async Task RevokeAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (await oauthSessions.FindDeviceByTokenAsync(Tokens.Hash(token), cancellationToken) is { } device)
        {
            await LogOutAsync(device.UserId, device.DeviceId, cancellationToken);
        }
    }

    private async Task<TokenResponse> ExchangeCodeAsync(OAuthClient client, IReadOnlyDictionary<string, string> form,
        CancellationToken cancellationToken)
    {
        var code = Required(form, "code");
        var redirectUri = Required(form, "redirect_uri");
        var consumed = await requests.ConsumeCodeAsync(Tokens.Hash(code), cancellationToken)
                       ?? throw new OAuthException(OAuthException.InvalidGrant, "Unknown authorization code");
        var request = consumed.Request;
        if (request.ClientId != client.ClientId)
        {
            throw new OAuthException(OAuthException.InvalidGrant, "The code was issued to another client");
        }

        if (consumed.AlreadyExchanged)
        {
            // RFC 6749 section 4.1.2: a replayed code SHOULD revoke what it was exchanged for.
            if (request.UserId is { } replayedUser)
            {
                await LogOutAsync(replayedUser, request.DeviceId, cancellationToken);
            }

            throw new OAuthException(OAuthException.InvalidGrant, "The authorization code was already used");
        }

        if (consumed.CodeExpiresTs <= time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            throw new OAuthException(OAuthException.InvalidGrant, "The authorization code has expired");
        }

        if (request.RedirectUri != redirectUri)
        {
            throw new OAuthException(OAuthException.InvalidGrant, "redirect_uri differs from the authorization request's");
        }

        if (!Pkce.Verify(form.GetValueOrDefault("code_verifier"), request.CodeChallenge))
        {
            throw new OAuthException(OAuthException.InvalidGrant, "The code_verifier does not match the code_challenge");
        }

        var userId = request.UserId ?? throw new OAuthException(OAuthException.InvalidGrant, "Unknown authorization code");
        if (await accounts.GetUserAsync(userId, cancellationToken) is not { Deactivated: false })
        {
            throw new OAuthException(OAuthException.InvalidGrant, "The account has been deactivated");
        }

        return await IssueAsync(client, userId, request.DeviceId, request.Scope, cancellationToken);
    }

    private async Task<TokenResponse> ExchangeDeviceCodeAsync(OAuthClient client,
        IReadOnlyDictionary<string, string> form, CancellationToken cancellationToken)
    {
        if (!client.Metadata.Allows(OAuthClientMetadata.DeviceCode))
        {
            throw new OAuthException("unauthorized_client", "The client did not register the device_code grant");
        }

        var grant = await deviceAuthorization.PollAsync(client, Required(form, "device_code"), cancellationToken);
        var userId = grant.UserId ?? throw new OAuthException(OAuthException.InvalidGrant, "Unknown device_code");
        if (await accounts.GetUserAsync(userId, cancellationToken) is not { Deactivated: false })
        {
            throw new OAuthException(OAuthException.InvalidGrant, "The account has been deactivated");
        }

        return await IssueAsync(client, userId, grant.DeviceId, grant.Scope, cancellationToken);
    }

    /// <summary>A new session on the scoped device, with a refresh token (both grants MUST give one).</summary>
    private async Task<TokenResponse> IssueAsync(OAuthClient client, Homeserver.Core.Identifiers.UserId userId,
        string deviceId, string scope, CancellationToken cancellationToken)
    {
        var issued = issuer.Issue(refreshable: true);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var displayName = client.Metadata.ClientName ?? client.Metadata.ClientUri.Host;
        await sessions.StartSessionAsync(userId, new NewSession(deviceId, displayName, issued.Hashes), now,
            cancellationToken);
        await oauthSessions.AddAsync(new OAuthSession(userId, deviceId, client.ClientId, scope), now, cancellationToken);
        await deviceObservers.NotifyAsync(userId, cancellationToken);
        return Response(issued, scope);
    }

    private async Task<TokenResponse> RefreshAsync(OAuthClient client, IReadOnlyDictionary<string, string> form,
        CancellationToken cancellationToken)
    {
        var hash = Tokens.Hash(Required(form, "refresh_token"));
        var session = await oauthSessions.FindByRefreshTokenAsync(hash, cancellationToken);
        if (session is null || session.ClientId != client.ClientId)
        {
            throw new OAuthException(OAuthException.InvalidGrant, "Unknown refresh token");
        }

        if (!client.Metadata.Allows(OAuthClientMetadata.RefreshToken))
        {
            throw new OAuthException("unauthorized_client", "The client did not register the refresh_token grant");
        }

        var issued = issuer.Issue(refreshable: true);
        var userId = await sessions.RefreshAsync(hash, issued.Hashes, time.GetUtcNow().ToUnixTimeMilliseconds(),
            cancellationToken);
        return userId is null
            ? throw new OAuthException(OAuthException.InvalidGrant, "Unknown refresh token")
            : Response(issued, session.Scope);
    }

    private async Task<OAuthClient> ClientAsync(IReadOnlyDictionary<string, string> form,
        CancellationToken cancellationToken)
    {
        var clientId = Required(form, "client_id");
        return await clients.GetAsync(clientId, cancellationToken)
               ?? throw new OAuthException(OAuthException.InvalidClient, "Unknown client_id", 401);
    }

    private async Task LogOutAsync(Homeserver.Core.Identifiers.UserId userId, string deviceId,
        CancellationToken cancellationToken)
    {
        await sessions.DeleteDevicesAsync(userId, [deviceId], null, cancellationToken);
        await deviceObservers.NotifyAsync(userId, cancellationToken);
    }

    private static TokenResponse Response(SessionIssuer.Issued issued, string scope) =>
        new(issued.AccessToken, issued.RefreshToken!, issued.ExpiresInMs!.Value / 1000, scope);

    private static string Required(IReadOnlyDictionary<string, string> form, string name) =>
        form.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new OAuthException(OAuthException.InvalidRequest, $"{name} is required");
}
