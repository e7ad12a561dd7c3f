using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Admin;

/// <summary>A local user as Synapse's admin API shows it.</summary>
/// <param name="CreatedTs">Milliseconds since the epoch.</param>
/// <param name="LastSeenTs">The latest sighting of any of its devices, if any.</param>
public sealed record AdminUser(string Name, bool IsGuest, bool Admin, bool Deactivated, bool Erased, bool ShadowBanned,
    bool Locked, bool Suspended, string? UserType, string? DisplayName, string? AvatarUrl, long CreatedTs,
    long? LastSeenTs);

/// <summary>The filters and order of <c>GET /_synapse/admin/v2/users</c>, with Synapse's meanings.</summary>
/// <param name="UserIdContains">Part of the user ID (ignored when <paramref name="NameContains"/> is given).</param>
/// <param name="NameContains">Part of the user ID or the display name.</param>
/// <param name="Admins">True: admins only; false: no admins; null: both.</param>
/// <param name="OrderBy">One of <see cref="AdminUserList.OrderColumns"/>' keys.</param>
public sealed record AdminUserQuery(AdminPage Page, string? UserIdContains, string? NameContains, bool Guests,
    bool Deactivated, bool Locked, bool? Admins, string OrderBy, bool Backwards);

/// <summary>The orders the user list accepts (Synapse's <c>order_by</c> values).</summary>
public static class AdminUserList
{
    public static readonly IReadOnlyList<string> OrderColumns =
    [
        "name", "displayname", "is_guest", "admin", "deactivated", "user_type", "avatar_url", "shadow_banned",
        "creation_ts", "last_seen_ts", "locked",
    ];
}

/// <summary>What the admin API reads and changes about users beyond the account operations of the client API.</summary>
public interface IAdminUserStore
{
    Task<(IReadOnlyList<AdminUser> Users, long Total)> ListAsync(AdminUserQuery query, CancellationToken cancellationToken);

    Task<AdminUser?> GetAsync(UserId userId, CancellationToken cancellationToken);

    /// <summary>Sets the flag and makes every process read the user's access tokens again (the flag rides on them).</summary>
    Task SetAdminAsync(UserId userId, bool admin, CancellationToken cancellationToken);

    /// <inheritdoc cref="SetAdminAsync"/>
    Task SetShadowBannedAsync(UserId userId, bool shadowBanned, CancellationToken cancellationToken);

    Task SetUserTypeAsync(UserId userId, string? userType, CancellationToken cancellationToken);

    /// <summary>Clears <c>deactivated</c> and sets the new password hash.</summary>
    Task ReactivateAsync(UserId userId, string passwordHash, CancellationToken cancellationToken);

    /// <summary>The rooms the user is joined to, in room ID order.</summary>
    Task<IReadOnlyList<string>> JoinedRoomsAsync(UserId userId, CancellationToken cancellationToken);
}
