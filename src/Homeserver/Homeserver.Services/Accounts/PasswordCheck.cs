using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Accounts;

/// <summary>
/// The one way a password is checked against an account (login and every <c>m.login.password</c> stage): the
/// account's failed-attempt bucket first, then the hash on the hashing threads.
/// </summary>
public sealed class PasswordCheck(PasswordHashing hashing, RateLimiterSet limits)
{
    /// <summary>429 while wrong passwords have locked the account; takes nothing (a cheap early refusal).</summary>
    public void ThrowIfLocked(UserId userId) => limits.FailedPasswordByAccount.ThrowIfExhausted(userId.Value);

    /// <summary>
    /// True when <paramref name="password"/> matches <paramref name="storedHash"/> (null: no such account, checked
    /// against a dummy hash all the same). Throws 429 M_LIMIT_EXCEEDED while the account is locked by wrong passwords,
    /// even for the right one; a right password unlocks it.
    /// </summary>
    public async Task<bool> VerifyAsync(UserId userId, string password, string? storedHash,
        CancellationToken cancellationToken)
    {
        // Taken before hashing, not after a failure: concurrent guesses would otherwise all pass a check made while
        // none of them had failed yet. A right password gives it back (and everything before it).
        limits.FailedPasswordByAccount.Acquire(userId.Value);
        var matches = await hashing.VerifyAsync(password, storedHash, cancellationToken);
        if (matches)
        {
            limits.FailedPasswordByAccount.Reset(userId.Value);
        }

        return matches;
    }
}
