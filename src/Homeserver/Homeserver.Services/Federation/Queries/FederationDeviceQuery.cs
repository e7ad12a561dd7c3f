using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Services.Keys;

namespace Homeserver.Services.Federation.Queries;

/// <summary>
/// <c>GET /_matrix/federation/v1/user/devices/{userId}</c>: a local user's devices with their keys and display names,
/// the user's master and self-signing keys, and the device list stream position they were read at (<c>stream_id</c>,
/// the one <c>m.device_list_update</c> EDUs carry, as Synapse). Signatures are the user's own only: another user's
/// are for that user to see. A user with no devices (or unknown here) has an empty list.
/// </summary>
public sealed class FederationDeviceQuery(IDeviceKeyStore keys, IDeviceListStore deviceLists,
    CrossSigningKeyReader crossSigning, StoredKeys storedKeys, HomeserverSettings settings)
{
    public async Task<JsonObject> GetAsync(string userId, CancellationToken cancellationToken)
    {
        if (!UserId.TryParse(userId, out var user, out var error))
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"Invalid user ID: {error}");
        }

        if (user.Domain != settings.ServerName)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "The user is not hosted on this server");
        }

        // The position first: a change after it is announced with a later stream_id, so nothing is missed.
        var streamId = await deviceLists.GetPositionAsync(cancellationToken);
        var signatures = await crossSigning.GetSignaturesAsync([user.Value], cancellationToken);
        var devices = new JsonArray();
        foreach (var device in await keys.GetDeviceKeysAsync([user.Value], cancellationToken))
        {
            if (storedKeys.DeviceKeys(device) is not { } json)
            {
                continue;
            }

            CrossSigningKeyReader.MergeSignatures(json, signatures, user.Value, device.DeviceId, null);
            var entry = new JsonObject { ["device_id"] = device.DeviceId, ["keys"] = json };
            if (device.DisplayName is not null)
            {
                entry["device_display_name"] = device.DisplayName;
            }

            devices.Add(entry);
        }

        var crossSigningKeys = new JsonObject();
        await crossSigning.AddToQueryAsync(crossSigningKeys, (string?)null, [user.Value], signatures, cancellationToken);
        var result = new JsonObject
        {
            ["user_id"] = user.Value,
            ["stream_id"] = streamId,
            ["devices"] = devices,
        };
        if (crossSigningKeys["master_keys"]?[user.Value] is { } master)
        {
            result["master_key"] = master.DeepClone();
        }

        if (crossSigningKeys["self_signing_keys"]?[user.Value] is { } selfSigning)
        {
            result["self_signing_key"] = selfSigning.DeepClone();
        }

        return result;
    }
}
