using System.Text.Json.Nodes;

namespace Homeserver.Bench.Client;

/// <summary>The Client-Server API calls the scenarios use, as plain requests (nothing retried, nothing thrown for statuses).</summary>
public sealed class MatrixApi
{
    private const string V3 = "/_matrix/client/v3";

    public MatrixApi(MatrixHttp http) => Http = http;

    public MatrixHttp Http { get; }

    /// <summary>GET /_matrix/client/versions.</summary>
    public Task<ApiResponse> VersionsAsync(CancellationToken cancellationToken) =>
        Http.GetAsync("/_matrix/client/versions", null, cancellationToken);

    /// <summary>PUT /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}; a ~1 KB body like a chat message.</summary>
    public Task<ApiResponse> SendMessageAsync(Session session, string roomId, string txnId, string text,
        CancellationToken cancellationToken)
    {
        var content = new JsonObject { ["msgtype"] = "m.text", ["body"] = text };
        return Http.SendAsync(HttpMethod.Put,
            $"{V3}/rooms/{Escape(roomId)}/send/m.room.message/{Escape(txnId)}", session.AccessToken, content,
            cancellationToken);
    }

    /// <summary>
    /// POST /_matrix/client/v3/delete_devices with an <c>m.login.password</c> auth dict (no UIA session), or without
    /// auth when <paramref name="password"/> is null (the server answers with its UIA challenge).
    /// </summary>
    public Task<ApiResponse> DeleteDevicesAsync(Session session, IReadOnlyList<string> deviceIds, string? password,
        CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["devices"] = new JsonArray([.. deviceIds.Select(d => JsonValue.Create(d))]) };
        if (password is not null)
        {
            body["auth"] = new JsonObject
            {
                ["type"] = "m.login.password",
                ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = session.UserId },
                ["password"] = password,
            };
        }

        return Http.SendAsync(HttpMethod.Post, $"{V3}/delete_devices", session.AccessToken, body, cancellationToken);
    }

    /// <summary>POST /_matrix/client/v3/createRoom.</summary>
    public Task<ApiResponse> CreateRoomAsync(Session session, bool isPublic, string name,
        CancellationToken cancellationToken) =>
        Http.SendAsync(HttpMethod.Post, $"{V3}/createRoom", session.AccessToken, new JsonObject
        {
            ["preset"] = isPublic ? "public_chat" : "private_chat",
            ["name"] = name,
        }, cancellationToken);

    /// <summary>POST /_matrix/client/v3/join/{roomIdOrAlias}; <paramref name="via"/> names a server in the room to
    /// join through (<c>server_name</c> and <c>via</c>), for a room of another server.</summary>
    public Task<ApiResponse> JoinAsync(Session session, string roomId, CancellationToken cancellationToken,
        string? via = null) =>
        Http.SendAsync(HttpMethod.Post,
            $"{V3}/join/{Escape(roomId)}" + (via is null ? "" : $"?server_name={Escape(via)}&via={Escape(via)}"),
            session.AccessToken, new JsonObject(), cancellationToken);

    /// <summary>GET /_matrix/client/v3/sync; <paramref name="filter"/> is inline JSON (or a filter ID), URL-escaped here.</summary>
    public Task<ApiResponse> SyncAsync(Session session, string? since, int timeoutMs, string? filter,
        CancellationToken cancellationToken)
    {
        var query = new List<string> { $"timeout={timeoutMs}" };
        if (since is not null)
        {
            query.Add("since=" + Escape(since));
        }

        if (filter is not null)
        {
            query.Add("filter=" + Escape(filter));
        }

        return Http.GetAsync($"{V3}/sync?{string.Join('&', query)}", session.AccessToken, cancellationToken);
    }

    /// <summary>GET /_matrix/client/v3/rooms/{roomId}/messages backwards from <paramref name="from"/>.</summary>
    public Task<ApiResponse> MessagesBackAsync(Session session, string roomId, string? from, int limit,
        CancellationToken cancellationToken)
    {
        var path = $"{V3}/rooms/{Escape(roomId)}/messages?dir=b&limit={limit}";
        if (from is not null)
        {
            path += "&from=" + Escape(from);
        }

        return Http.GetAsync(path, session.AccessToken, cancellationToken);
    }

    /// <summary>An inline sync filter: only <paramref name="roomId"/>, a short timeline, no presence or account data.</summary>
    public static string RoomOnlyFilter(string roomId, int timelineLimit) => new JsonObject
    {
        ["room"] = new JsonObject
        {
            ["rooms"] = new JsonArray(roomId),
            ["timeline"] = new JsonObject { ["limit"] = timelineLimit },
            ["state"] = new JsonObject { ["lazy_load_members"] = true },
            ["ephemeral"] = new JsonObject { ["not_types"] = new JsonArray("*") },
            ["account_data"] = new JsonObject { ["not_types"] = new JsonArray("*") },
        },
        ["presence"] = new JsonObject { ["not_types"] = new JsonArray("*") },
        ["account_data"] = new JsonObject { ["not_types"] = new JsonArray("*") },
    }.ToJsonString();

    private static string Escape(string value) => Uri.EscapeDataString(value);
}
