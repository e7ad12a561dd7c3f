using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Accounts.Admin;

namespace Homeserver.Services.Admin;

/// <summary>
/// <c>/_synapse/admin/v2/users</c>: the list, one user, and <c>PUT</c> which creates a missing user (201) or changes an
/// existing one (200) with Synapse's semantics: only the fields present change; a display name or avatar set here
/// reaches the user's rooms as if the user had set it.
/// </summary>
public sealed class AdminUserService(
    IAdminUserStore store,
    AdminTargets targets,
    RegistrationService registration,
    PasswordHashing passwords,
    ProfileService profiles,
    IUserModerationStore moderation,
    AdminAccountActions actions)
{
    public async Task<JsonObject> ListAsync(AdminUserQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (users, total) = await store.ListAsync(query, cancellationToken);
        var items = new JsonArray(users.Select(u => (JsonNode)AdminUserJson.ListItem(u)).ToArray());
        return query.Page.Complete(new JsonObject { ["users"] = items }, users.Count, total);
    }

    public async Task<JsonObject> GetAsync(string userId, CancellationToken cancellationToken)
    {
        var target = targets.LocalUser(userId);
        var user = await store.GetAsync(target, cancellationToken) ?? throw AdminTargets.UserNotFound();
        return AdminUserJson.Full(user);
    }

    /// <returns>The user as it is now, and whether it was created.</returns>
    public async Task<(JsonObject User, bool Created)> PutAsync(Requester requester, string userId, JsonElement body,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var target = targets.LocalUser(userId, "This endpoint can only be used with local users");
        var change = AdminUserChange.Parse(body);
        var existing = await store.GetAsync(target, cancellationToken);
        if (existing is null)
        {
            await CreateAsync(target, change, cancellationToken);
        }
        else
        {
            await ModifyAsync(requester, target, existing, change, cancellationToken);
        }

        var user = await store.GetAsync(target, cancellationToken) ?? throw AdminTargets.UserNotFound();
        return (AdminUserJson.Full(user), existing is null);
    }

    private async Task CreateAsync(UserId target, AdminUserChange change, CancellationToken cancellationToken)
    {
        var hash = change.Password is null ? null : await passwords.HashAsync(change.Password, cancellationToken);
        await registration.CreateByAdministratorAsync(target.Localpart, hash, change.Admin ?? false,
            change.DisplayName.Present ? change.DisplayName.Value : null, null, cancellationToken);
        if (change.UserType.Present)
        {
            await store.SetUserTypeAsync(target, change.UserType.Value, cancellationToken);
        }

        if (change.AvatarUrl is { Present: true, Value: not null })
        {
            await SetProfileFieldAsync(target, ProfileService.AvatarUrl, change.AvatarUrl.Value, cancellationToken);
        }
    }

    private async Task ModifyAsync(Requester requester, UserId target, AdminUser user, AdminUserChange change,
        CancellationToken cancellationToken)
    {
        if (change.DisplayName.Present)
        {
            await SetProfileFieldAsync(target, ProfileService.DisplayName, change.DisplayName.Value, cancellationToken);
        }

        if (change.AvatarUrl.Present)
        {
            await SetProfileFieldAsync(target, ProfileService.AvatarUrl, change.AvatarUrl.Value, cancellationToken);
        }

        if (change.Admin is { } admin && admin != user.Admin)
        {
            if (target == requester.UserId && !admin)
            {
                throw new MatrixException(ErrorCode.Unknown, "You may not demote yourself.");
            }

            await store.SetAdminAsync(target, admin, cancellationToken);
        }

        var reactivating = change.Deactivated == false && user.Deactivated;
        if (change.Password is not null && !reactivating)
        {
            await actions.SetPasswordAsync(target, change.Password, change.LogoutDevices, cancellationToken);
        }

        if (change.Deactivated == true && !user.Deactivated)
        {
            await actions.DeactivateAsync(target, erase: false, cancellationToken);
        }
        else if (reactivating)
        {
            var password = change.Password ?? throw new MatrixException(ErrorCode.Unknown,
                "Must provide a password to re-activate an account.");
            await store.ReactivateAsync(target, await passwords.HashAsync(password, cancellationToken), cancellationToken);
        }

        if (change.Locked is { } locked && locked != user.Locked)
        {
            await moderation.SetLockedAsync(target, locked, cancellationToken);
        }

        if (change.UserType.Present)
        {
            await store.SetUserTypeAsync(target, change.UserType.Value, cancellationToken);
        }
    }

    // The change is made as the user itself would make it, so that it reaches the member events of its rooms.
    private Task SetProfileFieldAsync(UserId target, string key, string? value, CancellationToken cancellationToken)
    {
        var asUser = new Requester(target, null, IsGuest: false, IsAdmin: false, AccessTokenId: null);
        var body = JsonSerializer.SerializeToElement(new JsonObject { [key] = value });
        return value is null
            ? profiles.DeleteFieldAsync(asUser, target.Value, key, cancellationToken)
            : profiles.SetFieldAsync(asUser, target.Value, key, body, cancellationToken);
    }
}
