using Homeserver.Services.Configuration;

namespace Homeserver.Services.Accounts;

/// <summary>The rate limiters of the account endpoints, built from the settings.</summary>
public sealed class RateLimiterSet(RateLimitSettings settings, TimeProvider time)
{
    public RateLimiter LoginByAddress { get; } = new(settings.Login, settings.Enabled, time);

    /// <summary>Password logins per account, right or wrong.</summary>
    public RateLimiter LoginByAccount { get; } = new(settings.LoginAccount, settings.Enabled, time);

    /// <summary>Password stages of user-interactive auth per client address.</summary>
    public RateLimiter PasswordStageByAddress { get; } = new(settings.Login, settings.Enabled, time);

    /// <summary>Wrong passwords per account, whatever address they come from and whether at login or in UIA.</summary>
    public RateLimiter FailedPasswordByAccount { get; } = new(settings.FailedPassword, settings.Enabled, time);

    public RateLimiter RegistrationByAddress { get; } = new(settings.Registration, settings.Enabled, time);
}
