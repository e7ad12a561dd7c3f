using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Rooms;

/// <summary>
/// Whether a user may read a room's events, for the relations, threads, search and report paths: joined, or the room
/// is world-readable. The one place to point at the full history-visibility rules once they exist.
/// </summary>
public sealed class RoomAccess(IRoomEventReader reader)
{
    public async Task<bool> CanReadAsync(Requester requester, string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var membership = await reader.GetMembershipAsync(roomId, requester.UserId.Value, cancellationToken);
        if (membership?.Membership == Memberships.Join)
        {
            return true;
        }

        var state = await reader.GetCurrentStateAsync(roomId, cancellationToken);
        return state.Any(s => s.Pdu.Type == EventTypes.HistoryVisibility && s.Pdu.StateKey == "" &&
                              s.Pdu.ContentString("history_visibility") == "world_readable");
    }

    /// <summary>Throws <paramref name="code"/> when the user may not read the room.</summary>
    public async Task RequireCanReadAsync(Requester requester, string roomId, ErrorCode code, string message,
        CancellationToken cancellationToken)
    {
        if (!await CanReadAsync(requester, roomId, cancellationToken))
        {
            throw new MatrixException(code, message);
        }
    }
}
