using Homeserver.Services.Configuration;

namespace Homeserver.Services.Accounts;

/// <summary>The rate limiters of the account endpoints, built from the settings.</summary>
public sealed class RateLimiterSet(RateLimitSettings settings, TimeProvider time)
{
    public RateLimiter LoginByAddress { get; } = new(settings.Login, settings.Enabled, time);

    /// <summary>Failed password attempts per account, whatever address they come from.</summary>
    public RateLimiter FailedLoginByAccount { get; } = new(settings.Login, settings.Enabled, time);

    public RateLimiter RegistrationByAddress { get; } = new(settings.Registration, settings.Enabled, time);
}
