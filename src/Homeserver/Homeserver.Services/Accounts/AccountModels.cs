using System.Text.Json;
using Homeserver.Core.AppServices;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Accounts;

/// <summary>
/// Who is making an authenticated request: a user through one of their access tokens (always with a device), or an
/// appservice through its <c>as_token</c>, acting as its sender or a user of its namespace, with a device only when
/// it named one (<c>?device_id=</c>).
/// </summary>
/// <param name="AccessTokenId">The access token's row; null for an appservice (its token is in its registration).</param>
public sealed record Requester(UserId UserId, string? DeviceId, bool IsGuest, bool IsAdmin, long? AccessTokenId)
{
    /// <summary>The appservice that made the request, when it was made with an <c>as_token</c>.</summary>
    public AppServiceRegistration? AppService { get; init; }

    /// <summary>A server admin locked the account: only logout is allowed (401 M_USER_LOCKED otherwise).</summary>
    public bool IsLocked { get; init; }

    /// <summary>A server admin suspended the account: it may read but not act (403 M_USER_SUSPENDED).</summary>
    public bool IsSuspended { get; init; }

    /// <summary>A server admin shadow-banned the account: its messages seem sent but reach nobody.</summary>
    public bool IsShadowBanned { get; init; }

    /// <summary>Rate limits do not apply: an appservice acting as its sender, or as its users when its registration
    /// says <c>rate_limited: false</c>.</summary>
    public bool IsExemptFromRateLimits => AppService is { } appService &&
                                          (UserId == appService.Sender || !appService.RateLimited);

    /// <summary>The requester's device, or 400 <c>M_UNKNOWN</c> for an appservice that named none (what Synapse
    /// answers) when <paramref name="action"/> needs one.</summary>
    public string RequireDevice(string action) => DeviceId ?? throw new MatrixException(ErrorCode.Unknown,
        $"To {action}, you must pass device_id when authenticating");
}

public sealed record UserAccount(UserId UserId, string? PasswordHash, bool IsAdmin, bool IsGuest, bool Deactivated,
    bool Erased, long CreatedTs);

public sealed record Device(string DeviceId, string? DisplayName, long? LastSeenTs, string? LastSeenIp);

/// <summary>Hashes of freshly generated tokens, as stored; the tokens themselves go only to the client.</summary>
public sealed record TokenHashes(byte[] AccessTokenHash, byte[]? RefreshTokenHash, long? AccessTokenExpiresTs);

/// <summary>A new device with its first tokens (login, registration).</summary>
public sealed record NewSession(string DeviceId, string? DeviceDisplayName, TokenHashes Tokens);

public sealed record NewAccount(UserId UserId, string? PasswordHash, bool IsAdmin, bool IsGuest, string? DisplayName);

public enum RegistrationOutcome
{
    Created,
    UserInUse,
    RegistrationTokenUsedUp,
}

/// <summary>An access token as looked up, with what authentication needs to know about its user.</summary>
public sealed record AccessTokenRecord(long Id, UserId UserId, string DeviceId, bool IsGuest, bool IsAdmin,
    long? ExpiresTs, bool Used, long? RefreshTokenId)
{
    public bool Locked { get; init; }

    public bool Suspended { get; init; }

    public bool ShadowBanned { get; init; }
}

public sealed record RegistrationToken(string Token, int? UsesAllowed, int Completed, long? ExpiryTs)
{
    /// <summary>Registrations under way that passed the token stage and have not finished (Synapse's
    /// <c>pending</c>): they hold a use, so a token with one use left is not offered to a second session.</summary>
    public int Pending { get; init; }

    public bool IsValidAt(long nowTs) =>
        (ExpiryTs is null || ExpiryTs > nowTs) && (UsesAllowed is null || Completed + Pending < UsesAllowed);
}

public sealed record UiaSession(string SessionId, string Method, string Path, UserId? UserId,
    IReadOnlyList<string> Completed, string? RegistrationToken, long CreatedTs);

/// <summary>A user's profile; <paramref name="Custom"/> holds every field but the two with columns (m.tz included).</summary>
public sealed record UserProfile(string? DisplayName, string? AvatarUrl, IReadOnlyDictionary<string, JsonElement> Custom);
