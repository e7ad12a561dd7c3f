using Homeserver.Core.Errors;

namespace Homeserver.Services.Accounts;

/// <summary>Turns an access token into a <see cref="Requester"/>, or the spec's 401 errors.</summary>
public sealed class AccessTokenAuthenticator(ISessionStore sessions, AccessTokenCache cache, TimeProvider time)
{
    public async Task<Requester> AuthenticateAsync(string accessToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        var hash = Tokens.Hash(accessToken);
        var key = Convert.ToBase64String(hash);
        if (!cache.TryGet(key, out var record))
        {
            var generation = cache.Generation;
            record = await sessions.FindAccessTokenAsync(hash, cancellationToken)
                     ?? throw UnknownToken(softLogout: false);
            if (!record.Used)
            {
                await sessions.MarkAccessTokenUsedAsync(record, cancellationToken);
                record = record with { Used = true };
            }

            cache.Add(key, record, generation);
        }

        if (record.ExpiresTs is { } expires && expires <= time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            throw UnknownToken(softLogout: true);
        }

        return new Requester(record.UserId, record.DeviceId, record.IsGuest, record.IsAdmin, record.Id)
        {
            IsLocked = record.Locked, IsSuspended = record.Suspended, IsShadowBanned = record.ShadowBanned,
        };
    }

    public static MatrixException UnknownToken(bool softLogout) =>
        new(ErrorCode.UnknownToken, softLogout ? "Access token has expired" : "Unrecognised access token",
            extraFields: new Dictionary<string, object?> { ["soft_logout"] = softLogout });
}
