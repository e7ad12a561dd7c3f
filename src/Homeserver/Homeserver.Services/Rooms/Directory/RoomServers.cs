using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Rooms.Directory;

/// <summary>The servers to name for a room (alias answers): those of its joined members, this one first.</summary>
public static class RoomServers
{
    public static async Task<IReadOnlyList<ServerName>> JoinedAsync(IRoomEventReader reader, string roomId,
        ServerName ours, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var state = await reader.GetCurrentStateAsync(roomId, cancellationToken);
        var servers = new List<ServerName> { ours };
        foreach (var member in state)
        {
            if (member.Pdu.Membership == Memberships.Join &&
                UserId.TryParse(member.Pdu.StateKey, out var user, out _) && !servers.Contains(user.Domain))
            {
                servers.Add(user.Domain);
            }
        }

        return servers;
    }
}
