using System.Text.Json.Nodes;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Push;

/// <summary>
/// GET /pushers and POST /pushers/set. A pusher belongs to the device that set it and is deleted with it (logout,
/// device deletion, deactivation), as Synapse does.
/// </summary>
public sealed class PusherService(IPusherStore store, TimeProvider time)
{
    public async Task<JsonObject> GetAsync(Requester requester, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var pushers = new JsonArray();
        foreach (var pusher in await store.GetForUserAsync(requester.UserId.Value, cancellationToken))
        {
            var json = new JsonObject
            {
                ["pushkey"] = pusher.PushKey,
                ["kind"] = pusher.Kind,
                ["app_id"] = pusher.AppId,
                ["app_display_name"] = pusher.AppDisplayName,
                ["device_display_name"] = pusher.DeviceDisplayName,
                ["lang"] = pusher.Lang,
                ["data"] = JsonNode.Parse(pusher.DataJson),
            };
            if (pusher.ProfileTag is not null)
            {
                json["profile_tag"] = pusher.ProfileTag;
            }

            pushers.Add(json);
        }

        return new JsonObject { ["pushers"] = pushers };
    }

    /// <param name="request">A body checked by <see cref="Validation.PusherSetRequestValidator"/>.</param>
    public async Task SetAsync(Requester requester, PusherSetRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Kind is null)
        {
            await store.DeleteAsync(requester.UserId.Value, request.AppId!, request.PushKey!, cancellationToken);
            return;
        }

        var settings = PusherSettingsReader.ToHttpSettings(request, requester.UserId.Value,
            requester.RequireDevice("set a pusher"),
            time.GetUtcNow().ToUnixTimeMilliseconds());
        await store.SetAsync(settings, request.Append, cancellationToken);
    }
}
