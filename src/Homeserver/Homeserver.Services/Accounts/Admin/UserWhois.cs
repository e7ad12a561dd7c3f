using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Accounts.Admin;

/// <summary>
/// <c>GET /admin/whois/{userId}</c>: the user's devices with the address and time each was last seen (one session per
/// device, one connection: the last one). Server admins may look anyone up; other users only themselves.
/// </summary>
public sealed class UserWhois(ISessionStore sessions)
{
    public async Task<JsonObject> GetAsync(Requester requester, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (!UserId.TryParse(userId, out var target, out var problem))
        {
            throw new MatrixException(ErrorCode.InvalidParam, problem);
        }

        if (target != requester.UserId && !requester.IsAdmin)
        {
            throw new MatrixException(ErrorCode.Forbidden, "You may only look yourself up");
        }

        var devices = new JsonObject();
        foreach (var device in await sessions.GetDevicesAsync(target, cancellationToken))
        {
            var connection = new JsonObject();
            if (device.LastSeenIp is not null)
            {
                connection["ip"] = device.LastSeenIp;
            }

            if (device.LastSeenTs is not null)
            {
                connection["last_seen"] = device.LastSeenTs;
            }

            var connections = connection.Count == 0 ? new JsonArray() : new JsonArray(connection);
            devices[device.DeviceId] = new JsonObject
            {
                ["sessions"] = new JsonArray(new JsonObject { ["connections"] = connections }),
            };
        }

        return new JsonObject { ["user_id"] = target.Value, ["devices"] = devices };
    }
}
