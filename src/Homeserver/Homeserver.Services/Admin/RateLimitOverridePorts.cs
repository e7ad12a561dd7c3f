using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Admin;

/// <summary>An admin's limit on the events one user sends, replacing <c>RateLimits:Message</c> for them (Synapse's
/// <c>ratelimit_override</c>). A rate of 0 lifts the limit altogether, whatever the burst.</summary>
public sealed record RateLimitOverride(long MessagesPerSecond, long BurstCount)
{
    public bool LiftsLimit => MessagesPerSecond == 0;
}

/// <summary>The stored overrides, one per user.</summary>
public interface IRateLimitOverrideStore
{
    Task<RateLimitOverride?> GetAsync(UserId userId, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the user's override.</summary>
    Task SetAsync(UserId userId, RateLimitOverride value, CancellationToken cancellationToken);

    Task DeleteAsync(UserId userId, CancellationToken cancellationToken);
}
