using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Live.JoinLinks;

/// <summary>
/// Invite links of a room (docs/LIVE.md, "Access"): made by moderators and members who may invite, each letting people
/// in as an invite from its creator until it expires, runs out of uses or is revoked. The token is shown once, at
/// creation; lists show the link's short ID.
/// </summary>
public sealed class InviteLinkService(LiveRoomInviters rooms, IInviteLinkStore links, TimeProvider time)
{
    public const long MaxExpiresInMs = 365L * 24 * 60 * 60 * 1000;
    public const int MaxUsesLimit = 1_000_000;

    /// <summary>A link as its creator sees it when it is made: with the token.</summary>
    public sealed record CreatedLink(string Token, InviteLink Link);

    /// <summary>POST /rooms/{roomId}/invite_links.</summary>
    public async Task<CreatedLink> CreateAsync(Requester requester, string roomId, long? expiresInMs, int? maxUses,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (expiresInMs is < 1 or > MaxExpiresInMs)
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"expires_in_ms must be from 1 to {MaxExpiresInMs}");
        }

        if (maxUses is < 1 or > MaxUsesLimit)
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"max_uses must be from 1 to {MaxUsesLimit}");
        }

        var view = await rooms.ViewAsMemberAsync(requester, roomId, cancellationToken);
        var user = requester.UserId.Value;
        if (!LiveModerators.IsModerator(view.Levels, user) && !view.Levels.CanInvite(user))
        {
            throw new MatrixException(ErrorCode.Forbidden, "You may not invite to this room");
        }

        var token = InviteLinkTokens.NewToken();
        var hash = InviteLinkTokens.Hash(token);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var link = new InviteLink(hash, InviteLinkTokens.IdOf(hash), roomId, user, now, now + expiresInMs, maxUses, 0);
        await links.CreateAsync(link, cancellationToken);
        return new CreatedLink(token, link);
    }

    /// <summary>GET /rooms/{roomId}/invite_links: all of them for moderators, a member's own for others.</summary>
    public async Task<IReadOnlyList<InviteLink>> ListAsync(Requester requester, string roomId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var view = await rooms.ViewAsMemberAsync(requester, roomId, cancellationToken);
        var user = requester.UserId.Value;
        var all = await links.ListAsync(roomId, cancellationToken);
        return LiveModerators.IsModerator(view.Levels, user)
            ? all
            : all.Where(link => link.CreatedBy == user).ToList();
    }

    /// <summary>DELETE /rooms/{roomId}/invite_links/{token}: by the token or the link's ID; moderators revoke any
    /// link, others their own.</summary>
    public async Task RevokeAsync(Requester requester, string roomId, string tokenOrId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(tokenOrId);
        var view = await rooms.ViewAsMemberAsync(requester, roomId, cancellationToken);
        var user = requester.UserId.Value;
        var link = await links.FindInRoomAsync(roomId, tokenOrId, InviteLinkTokens.Hash(tokenOrId), cancellationToken);
        var isModerator = LiveModerators.IsModerator(view.Levels, user);
        if (link is null || (!isModerator && link.CreatedBy != user))
        {
            throw new MatrixException(ErrorCode.NotFound, "No such invite link");
        }

        await links.DeleteAsync(link.TokenHash, cancellationToken);
    }
}
