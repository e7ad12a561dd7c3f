using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Accounts.Admin;

/// <summary>A local user as server admins see it before locking or suspending it.</summary>
public sealed record ModeratedUser(bool IsAdmin, bool Deactivated, bool Locked, bool Suspended);

/// <summary>The lock and suspension flags of local users (<c>users.locked</c>, <c>users.suspended</c>).</summary>
public interface IUserModerationStore
{
    Task<ModeratedUser?> GetAsync(UserId userId, CancellationToken cancellationToken);

    /// <summary>Sets the flag and drops the user's cached access tokens in every process, so it applies at once.</summary>
    Task SetLockedAsync(UserId userId, bool locked, CancellationToken cancellationToken);

    /// <inheritdoc cref="SetLockedAsync"/>
    Task SetSuspendedAsync(UserId userId, bool suspended, CancellationToken cancellationToken);
}
