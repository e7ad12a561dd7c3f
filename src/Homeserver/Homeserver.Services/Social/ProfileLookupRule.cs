using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Social;

/// <summary>
/// Who may read a profile. With <c>Profiles:LimitToUsersWhoShareRooms</c> (Synapse's
/// <c>limit_profile_requests_to_users_who_share_rooms</c>) only users joined to a room the profile's user is joined
/// to, and the user itself: others get 403 M_FORBIDDEN, for unknown users too (as Synapse, so the answer does not tell
/// who exists). Synapse applies the limit only when its <c>require_auth_for_profile_requests</c> is also on and lets
/// unauthenticated requests through otherwise; here the limit implies it (401 without an access token), or it would
/// be a limit anyone could step around.
/// </summary>
public sealed class ProfileLookupRule(HomeserverSettings settings, ISharedRoomsReader sharedRooms)
{
    public async Task CheckAsync(Requester? requester, UserId target, CancellationToken cancellationToken)
    {
        if (!settings.Profiles.LimitToUsersWhoShareRooms)
        {
            return;
        }

        if (requester is null)
        {
            throw new MatrixException(ErrorCode.MissingToken, "Profiles can only be read with an access token here");
        }

        if (requester.UserId == target ||
            await sharedRooms.ShareARoomAsync(requester.UserId.Value, target.Value, cancellationToken))
        {
            return;
        }

        throw new MatrixException(ErrorCode.Forbidden, "Profile isn't available");
    }
}
