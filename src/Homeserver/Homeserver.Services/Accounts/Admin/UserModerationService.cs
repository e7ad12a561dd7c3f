using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Accounts.Admin;

/// <summary>
/// <c>/_matrix/client/v1/admin/lock</c> and <c>/suspend</c> (spec v1.18): server admins only, authorisation checked
/// before the target is looked up (no user enumeration), never oneself nor another admin.
/// </summary>
public sealed class UserModerationService(IUserModerationStore store, HomeserverSettings settings)
{
    public async Task<bool> IsLockedAsync(Requester requester, string userId, CancellationToken cancellationToken) =>
        (await TargetAsync(requester, userId, changing: false, cancellationToken)).User.Locked;

    public async Task<bool> IsSuspendedAsync(Requester requester, string userId, CancellationToken cancellationToken) =>
        (await TargetAsync(requester, userId, changing: false, cancellationToken)).User.Suspended;

    public async Task SetLockedAsync(Requester requester, string userId, bool locked, CancellationToken cancellationToken)
    {
        var (target, _) = await TargetAsync(requester, userId, changing: true, cancellationToken);
        await store.SetLockedAsync(target, locked, cancellationToken);
    }

    public async Task SetSuspendedAsync(Requester requester, string userId, bool suspended,
        CancellationToken cancellationToken)
    {
        var (target, _) = await TargetAsync(requester, userId, changing: true, cancellationToken);
        await store.SetSuspendedAsync(target, suspended, cancellationToken);
    }

    private async Task<(UserId Id, ModeratedUser User)> TargetAsync(Requester requester, string userId, bool changing,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (!requester.IsAdmin)
        {
            throw new MatrixException(ErrorCode.Forbidden, "You are not a server admin");
        }

        if (!UserId.TryParse(userId, out var target, out var problem))
        {
            throw new MatrixException(ErrorCode.InvalidParam, problem);
        }

        if (target.Domain != settings.ServerName)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "The user is not a local user");
        }

        if (changing && target == requester.UserId)
        {
            throw new MatrixException(ErrorCode.Forbidden, "You cannot lock or suspend your own account");
        }

        var user = await store.GetAsync(target, cancellationToken);
        if (user is null || user.Deactivated)
        {
            throw new MatrixException(ErrorCode.NotFound, "No such user");
        }

        if (user.IsAdmin && target != requester.UserId)
        {
            throw new MatrixException(ErrorCode.Forbidden, "The user is a server admin");
        }

        return (target, user);
    }
}
