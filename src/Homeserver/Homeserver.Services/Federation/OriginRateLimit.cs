using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Federation;

/// <summary>
/// Inbound federation requests per authenticated origin server (<see cref="FederationAccessSettings.InboundRequestRate"/>):
/// a token bucket per origin, in memory per process, like the client API's limits.
/// </summary>
public sealed class OriginRateLimit(HomeserverSettings settings, TimeProvider time)
{
    private readonly RateLimiter _limiter = new(settings.FederationAccess.InboundRequestRate,
        settings.FederationAccess.InboundRequestRate.PerSecond > 0, time, capacity: 10_000);

    /// <summary>Takes one request of <paramref name="origin"/>'s allowance or throws 429 <c>M_LIMIT_EXCEEDED</c> with
    /// <c>retry_after_ms</c>.</summary>
    public void Acquire(ServerName origin) => _limiter.Acquire(origin.Value);
}
