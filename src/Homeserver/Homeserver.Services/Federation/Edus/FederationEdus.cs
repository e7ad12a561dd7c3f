using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Federation.Edus;

/// <summary>The EDU types of the server-server API.</summary>
public static class EduTypes
{
    public const string Typing = "m.typing";
    public const string Receipt = "m.receipt";
    public const string Presence = "m.presence";
    public const string DirectToDevice = "m.direct_to_device";
    public const string DeviceListUpdate = "m.device_list_update";
    public const string SigningKeyUpdate = "m.signing_key_update";
}

/// <summary>
/// Where the ephemeral changes of local users go over federation: to the other servers of a room (typing, receipts),
/// to every server sharing a room with the user (presence, device lists, signing keys), or to named servers
/// (to-device). Only local users' changes are sent; changes of remote users (which arrive as EDUs) never go out again.
/// </summary>
public sealed class FederationEdus(IFederationSender sender, IJoinedServersReader servers, IRoomEventReader rooms,
    HomeserverSettings settings)
{
    public ServerName LocalServer => settings.ServerName;

    public bool IsLocal(string userId) =>
        UserId.TryParse(userId, out var parsed, out _) && parsed.Domain == settings.ServerName;

    /// <summary>Sends to the other servers with members joined to the room.</summary>
    public async Task ToRoomAsync(string roomId, string eduType, JsonObject content, CancellationToken cancellationToken)
    {
        if (!RoomId.TryParse(roomId, out var room, out _))
        {
            return;
        }

        await SendAsync(await servers.GetJoinedServersAsync(room, cancellationToken), eduType, content,
            cancellationToken);
    }

    /// <summary>Sends to every other server with a member joined to a room the user is joined to.</summary>
    public async Task ToServersSharingRoomsWithAsync(string userId, string eduType, JsonObject content,
        CancellationToken cancellationToken)
    {
        var destinations = new HashSet<ServerName>();
        foreach (var roomId in await rooms.GetJoinedRoomsAsync(userId, cancellationToken))
        {
            if (RoomId.TryParse(roomId, out var room, out _))
            {
                destinations.UnionWith(await servers.GetJoinedServersAsync(room, cancellationToken));
            }
        }

        await SendAsync(destinations, eduType, content, cancellationToken);
    }

    /// <summary>Sends to the given servers (never to this one).</summary>
    public Task ToServersAsync(IEnumerable<ServerName> destinations, string eduType, JsonObject content,
        CancellationToken cancellationToken) => SendAsync(destinations, eduType, content, cancellationToken);

    private async Task SendAsync(IEnumerable<ServerName> destinations, string eduType, JsonObject content,
        CancellationToken cancellationToken)
    {
        var others = destinations.Where(server => server != settings.ServerName).Distinct().ToList();
        if (others.Count > 0)
        {
            await sender.SendEduAsync(others, eduType, content, cancellationToken);
        }
    }
}
