using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Admin;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Rooms;

/// <summary>
/// Synapse's <c>rc_message</c>: a token bucket per local user (<c>RateLimits:Message</c>, 0.2/s and a burst of 10 by
/// default) on the events the user sends through the client API (messages, state, redactions, delayed events
/// scheduled). An admin's override (<see cref="RateLimitOverrides"/>) replaces the limit for the user, and lifts it
/// when its rate is 0. Appservices' own senders, and their users when the registration says <c>rate_limited:
/// false</c>, are not limited; server admins are, as in Synapse. Buckets live in this process's memory (a user spread
/// over N processes gets up to N times the rate), at most <paramref name="capacity"/> of them, idle (refilled) ones
/// dropped first. Off with <c>RateLimits:Enabled</c>.
/// </summary>
public sealed class MessageRateLimits(RateLimitSettings settings, RateLimitOverrides overrides, TimeProvider time,
    int capacity = 100_000)
{
    private readonly RateLimiter _limiter = new(settings.Message, settings.Enabled, time, capacity);

    /// <summary>Buckets held now (for tests of the memory bound).</summary>
    public int Count => _limiter.Count;

    /// <summary>
    /// Takes one token of the requester's bucket, or throws 429 <c>M_LIMIT_EXCEEDED</c> with <c>retry_after_ms</c>.
    /// True when a token was taken (for <see cref="Release"/> if the send then fails).
    /// </summary>
    public async ValueTask<bool> AcquireAsync(Requester requester, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (!settings.Enabled || requester.IsExemptFromRateLimits)
        {
            return false;
        }

        var own = await overrides.GetAsync(requester.UserId, cancellationToken);
        if (own is { LiftsLimit: true })
        {
            return false;
        }

        var limit = own is null
            ? settings.Message
            : new RateLimit(own.MessagesPerSecond, (int)Math.Min(own.BurstCount, int.MaxValue));
        return _limiter.TryAcquire(requester.UserId.Value, limit, out var wait)
            ? true
            : throw MatrixException.LimitExceeded(wait);
    }

    /// <summary>Gives back a token taken for a send that did not happen (refused, failed), as Synapse counts only
    /// events sent.</summary>
    public void Release(Requester requester)
    {
        ArgumentNullException.ThrowIfNull(requester);
        _limiter.Release(requester.UserId.Value);
    }
}
