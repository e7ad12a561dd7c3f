using System.Text.Json;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Keys;
using Homeserver.Services.Rooms;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Federation.Edus;

/// <summary>
/// Inbound <c>m.device_list_update</c> and <c>m.signing_key_update</c> (server-server API, "Device Management"): this
/// server keeps no copy of other servers' device lists (key queries go to them), so an update only tells the local
/// users who share a room with that user that their devices or keys changed (/sync <c>device_lists.changed</c>), and
/// their clients query again. Updates for users not of the origin, or who share no room here, are ignored.
/// </summary>
public abstract class RemoteDeviceChangeHandler(DeviceListService deviceLists, IRoomEventReader rooms, ILogger logger)
    : IEduHandler
{
    public abstract string EduType { get; }

    public async Task HandleAsync(ServerName origin, JsonElement content, CancellationToken cancellationToken)
    {
        var userId = RemoteEduSender.StringProperty(content, "user_id");
        if (!RemoteEduSender.IsOfOrigin(userId, origin))
        {
            EduLog.Ignored(logger, EduType, origin, userId, "another server's user");
            return;
        }

        if ((await rooms.GetJoinedRoomsAsync(userId!, cancellationToken)).Count == 0)
        {
            return;
        }

        await deviceLists.RecordChangeAsync(UserId.Parse(userId!), cancellationToken);
    }
}

public sealed class DeviceListEduHandler(DeviceListService deviceLists, IRoomEventReader rooms,
    ILogger<DeviceListEduHandler> logger) : RemoteDeviceChangeHandler(deviceLists, rooms, logger)
{
    public override string EduType => EduTypes.DeviceListUpdate;
}

public sealed class SigningKeyEduHandler(DeviceListService deviceLists, IRoomEventReader rooms,
    ILogger<SigningKeyEduHandler> logger) : RemoteDeviceChangeHandler(deviceLists, rooms, logger)
{
    public override string EduType => EduTypes.SigningKeyUpdate;
}
