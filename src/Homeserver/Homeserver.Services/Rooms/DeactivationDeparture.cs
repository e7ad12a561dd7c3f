using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Sync;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Rooms;

/// <summary>
/// A deactivated account leaves every room it is in, rejects its invites and withdraws its knocks, as Synapse's
/// deactivation parts the user: a deactivated user would otherwise stay a member forever, counted, invited to and
/// notified about rooms nobody can act in. One room that refuses (a remote room unreachable) does not stop the others.
/// </summary>
public sealed partial class DeactivationDeparture(ISyncReader memberships, MembershipService membership,
    ILogger<DeactivationDeparture> logger) : IAccountDeactivationHook
{
    public async Task OnDeactivatedAsync(UserId userId, bool erase, CancellationToken cancellationToken)
    {
        var self = new Requester(userId, DeviceId: null, IsGuest: false, IsAdmin: false, AccessTokenId: null);
        foreach (var room in await memberships.GetMembershipsAsync(userId.Value, cancellationToken))
        {
            if (room.Membership is not (Memberships.Join or Memberships.Invite or Memberships.Knock))
            {
                continue;
            }

            try
            {
                await membership.LeaveAsync(self, room.RoomId, reason: null, cancellationToken);
            }
            catch (MatrixException e)
            {
                LogNotLeft(logger, userId.Value, room.RoomId, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deactivated {UserId} could not leave {RoomId}: {Reason}")]
    private static partial void LogNotLeft(ILogger logger, string userId, string roomId, string reason);
}
