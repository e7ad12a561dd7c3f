using System.Text.Json;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Directory;

namespace Homeserver.Services.Live.JoinLinks;

/// <summary>
/// POST /join (docs/LIVE.md, "Access"): someone who knows a room's password or one of its invite links is invited by
/// the password's setter or the link's creator (a real, signed m.room.member invite, so the room's join rules and
/// guest access need not let them in) and joined. Without an account, a guest account is made on the spot, also when
/// <c>Registration:AllowGuests</c> is off: the secret is the permission. Wrong secrets are rate-limited
/// (<see cref="JoinFailureLimits"/>); a banned user stays banned.
/// </summary>
public sealed class SecretJoinService(RoomAliasService aliases, LiveRoomInviters rooms, MembershipService memberships,
    RegistrationService registration, ProfileService profiles, IJoinPasswordStore passwords, IInviteLinkStore links,
    PasswordHashing hashing, JoinFailureLimits limits, TimeProvider time)
{
    public const int MaxDisplayNameLength = 256;

    /// <param name="Room">A room ID or alias.</param>
    public sealed record Request(string Room, string? Password, string? InviteToken, string? DisplayName);

    /// <summary>The room joined and who joined it; the new guest's session when one was made.</summary>
    public sealed record Joined(string RoomId, string UserId, string? AccessToken, string? DeviceId);

    // What the secret grants: an invite from Inviter (the password's setter, the link's creator).
    private sealed record Grant(string Inviter, InviteLink? Link);

    /// <param name="requester">Null when the request came without an access token.</param>
    public async Task<Joined> JoinAsync(Requester? requester, Request request, string clientAddress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        var roomId = await aliases.ResolveRoomIdOrAliasAsync(request.Room, cancellationToken);
        limits.Take(clientAddress, roomId);
        Grant? grant;
        try
        {
            grant = await CheckSecretAsync(roomId, request, cancellationToken);
        }
        catch
        {
            limits.GiveBack(clientAddress, roomId);
            throw;
        }

        if (grant is null)
        {
            throw new MatrixException(ErrorCode.Forbidden, request.Password is not null
                ? "Wrong password, or the room has no join password"
                : "This invite link is not valid: unknown, revoked, expired or used up");
        }

        limits.GiveBack(clientAddress, roomId);
        return await LetInAsync(requester, roomId, grant, request, cancellationToken);
    }

    private static void Validate(Request request)
    {
        if ((request.Password is null) == (request.InviteToken is null))
        {
            throw request.Password is null
                ? new MatrixException(ErrorCode.MissingParam, "Give 'password' or 'invite_token'")
                : new MatrixException(ErrorCode.InvalidParam, "Give either 'password' or 'invite_token', not both");
        }

        if (request.Password is { Length: > JoinPasswordService.MaxLength })
        {
            throw new MatrixException(ErrorCode.InvalidParam, "The password is too long");
        }

        if (request.InviteToken is { Length: > 256 })
        {
            throw new MatrixException(ErrorCode.InvalidParam, "The invite token is too long");
        }

        if (request.DisplayName is { } name && (name.Length > MaxDisplayNameLength || name.Trim().Length == 0))
        {
            throw new MatrixException(ErrorCode.InvalidParam,
                $"display_name must have 1 to {MaxDisplayNameLength} characters");
        }
    }

    /// <summary>What the secret grants, or null when it is wrong (or no longer works).</summary>
    private async Task<Grant?> CheckSecretAsync(string roomId, Request request, CancellationToken cancellationToken)
    {
        if (request.Password is { } password)
        {
            var stored = await passwords.GetAsync(roomId, cancellationToken);
            // Checked against a dummy hash when there is none: the answer takes as long either way.
            var matches = await hashing.VerifyAsync(password, stored?.PasswordHash, cancellationToken);
            return matches && await PasswordEnabledAsync(roomId, cancellationToken) ? new Grant(stored!.SetBy, null)
                : null;
        }

        var link = await links.GetAsync(InviteLinkTokens.Hash(request.InviteToken!), cancellationToken);
        return link is not null && link.RoomId == roomId && link.IsUsableAt(time.GetUtcNow().ToUnixTimeMilliseconds())
            ? new Grant(link.CreatedBy, link)
            : null;
    }

    private async Task<bool> PasswordEnabledAsync(string roomId, CancellationToken cancellationToken)
    {
        var view = await rooms.ViewAsync(roomId, cancellationToken);
        var state = view.Head.Get(LiveNames.JoinPassword, "");
        return state?.Content.TryGetProperty("enabled", out var enabled) == true &&
               enabled.ValueKind == JsonValueKind.True;
    }

    private async Task<Joined> LetInAsync(Requester? requester, string roomId, Grant grant, Request request,
        CancellationToken cancellationToken)
    {
        var view = await rooms.ViewAsync(roomId, cancellationToken);
        var membership = requester is null ? null : view.MembershipOf(requester.UserId.Value);
        if (membership == Memberships.Join)
        {
            return new Joined(roomId, requester!.UserId.Value, null, null);
        }

        if (membership == Memberships.Ban)
        {
            throw new MatrixException(ErrorCode.Forbidden, "You are banned from this room");
        }

        // A link is its creator's invite: it stops working when they can no longer invite. The password is the room's
        // (its setter may have left): any joined member who may invite lets the user in.
        var inviter = grant.Link is null ? rooms.PreferredOrAnyInviter(view, grant.Inviter)
            : rooms.CanInviteNow(view, grant.Inviter) ? grant.Inviter
            : null;
        if (inviter is null)
        {
            throw new MatrixException(ErrorCode.Forbidden, grant.Link is null
                ? "Nobody in the room may invite: the password cannot let anyone in"
                : "The link's creator may no longer invite to this room");
        }

        if (grant.Link is { } link &&
            !await links.TryUseAsync(link.TokenHash, roomId, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken))
        {
            throw new MatrixException(ErrorCode.Forbidden, "This invite link has expired or has no uses left");
        }

        var invited = membership == Memberships.Invite;
        try
        {
            RegistrationService.Registered? guest = null;
            UserId user;
            if (requester is null)
            {
                guest = await NewGuestAsync(request.DisplayName, cancellationToken);
                user = guest.UserId;
            }
            else
            {
                user = requester.UserId;
            }

            if (!invited)
            {
                var reason = grant.Link is null ? "Joined with the room's password" : "Joined with an invite link";
                await memberships.ChangeAsync(roomId, inviter, user.Value,
                    await memberships.ProfileContentAsync(user, Memberships.Invite, reason, cancellationToken),
                    cancellationToken);
                invited = true;
            }

            await memberships.ChangeAsync(roomId, user.Value, user.Value,
                await memberships.ProfileContentAsync(user, Memberships.Join, null, cancellationToken),
                cancellationToken);
            return new Joined(roomId, user.Value, guest?.AccessToken, guest?.DeviceId);
        }
        catch when (grant.Link is not null && !invited)
        {
            // Nobody got in on this use.
            await links.ReleaseUseAsync(grant.Link.TokenHash, CancellationToken.None);
            throw;
        }
    }

    private async Task<RegistrationService.Registered> NewGuestAsync(string? displayName,
        CancellationToken cancellationToken)
    {
        var guest = await registration.CreateGuestAsync(null, refreshToken: false, cancellationToken);
        if (displayName is not null)
        {
            var self = new Requester(guest.UserId, guest.DeviceId, IsGuest: true, IsAdmin: false, AccessTokenId: null);
            var body = JsonSerializer.SerializeToElement(
                new Dictionary<string, string> { [ProfileService.DisplayName] = displayName.Trim() });
            await profiles.SetFieldAsync(self, guest.UserId.Value, ProfileService.DisplayName, body, cancellationToken);
        }

        return guest;
    }
}
