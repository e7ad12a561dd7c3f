using System.Text.Json.Nodes;

namespace Homeserver.Bench.Client;

/// <summary>The calls a no-login guest client and a live event's room make (the live-guests scenario).</summary>
public static class GuestApi
{
    private const string V3 = "/_matrix/client/v3";

    /// <summary>POST /_matrix/client/v3/register?kind=guest.</summary>
    public static Task<ApiResponse> RegisterGuestAsync(this MatrixApi api, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        return api.Http.SendAsync(HttpMethod.Post, $"{V3}/register?kind=guest", null,
            new JsonObject { ["initial_device_display_name"] = "homeserver-bench guest" }, cancellationToken);
    }

    /// <summary>PUT /_matrix/client/v3/profile/{userId}/displayname.</summary>
    public static Task<ApiResponse> SetDisplayNameAsync(this MatrixApi api, Session session, string displayName,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(session);
        return api.Http.SendAsync(HttpMethod.Put, $"{V3}/profile/{Escape(session.UserId)}/displayname",
            session.AccessToken, new JsonObject { ["displayname"] = displayName }, cancellationToken);
    }

    /// <summary>POST /_matrix/client/v3/rooms/{roomId}/join (the join a guest may use).</summary>
    public static Task<ApiResponse> JoinRoomIdAsync(this MatrixApi api, Session session, string roomId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(session);
        return api.Http.SendAsync(HttpMethod.Post, $"{V3}/rooms/{Escape(roomId)}/join", session.AccessToken,
            new JsonObject(), cancellationToken);
    }

    /// <summary>POST /_matrix/client/v3/user/{userId}/filter: uploads a filter, answers its <c>filter_id</c>.</summary>
    public static Task<ApiResponse> UploadFilterAsync(this MatrixApi api, Session session, JsonObject filter,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(session);
        return api.Http.SendAsync(HttpMethod.Post, $"{V3}/user/{Escape(session.UserId)}/filter", session.AccessToken,
            filter, cancellationToken);
    }

    /// <summary>
    /// POST /_matrix/client/v3/createRoom: a public event channel guests may join (<c>m.room.guest_access</c>
    /// <c>can_join</c>) and anyone may read (<c>m.room.history_visibility</c> <c>world_readable</c>).
    /// </summary>
    public static Task<ApiResponse> CreateEventChannelAsync(this MatrixApi api, Session owner, string name,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(owner);
        return api.Http.SendAsync(HttpMethod.Post, $"{V3}/createRoom", owner.AccessToken, new JsonObject
        {
            ["preset"] = "public_chat",
            ["name"] = name,
            ["initial_state"] = new JsonArray(
                StateEvent("m.room.guest_access", new JsonObject { ["guest_access"] = "can_join" }),
                StateEvent("m.room.history_visibility", new JsonObject { ["history_visibility"] = "world_readable" })),
        }, cancellationToken);
    }

    /// <summary>What the live web client (src/LiveChat/src/syncFilter.ts) asks /sync for: members lazy-loaded, a
    /// short timeline with unread counts per thread, no presence.</summary>
    public static JsonObject GuestSyncFilter(int timelineLimit) => new()
    {
        ["room"] = new JsonObject
        {
            ["timeline"] = new JsonObject { ["limit"] = timelineLimit, ["unread_thread_notifications"] = true },
            ["state"] = new JsonObject { ["lazy_load_members"] = true },
        },
        ["presence"] = new JsonObject { ["not_types"] = new JsonArray("*") },
    };

    private static JsonObject StateEvent(string type, JsonObject content) =>
        new() { ["type"] = type, ["state_key"] = "", ["content"] = content };

    private static string Escape(string value) => Uri.EscapeDataString(value);
}
