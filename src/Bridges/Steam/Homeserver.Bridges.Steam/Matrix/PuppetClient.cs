using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Bridges.AppService.Client;

namespace Homeserver.Bridges.Steam.Matrix;

/// <summary>
/// Acting as any user the registration lets the bridge masquerade as (<c>?user_id=</c>): linked local users through
/// the non-exclusive namespace (double puppeting), ghosts through the exclusive one. Profile, presence, joins and
/// <c>m.direct</c> account data; the SDK's intents do the rest.
/// </summary>
public sealed class PuppetClient(MatrixClient client)
{
    private const string ClientV3 = "/_matrix/client/v3";

    /// <summary>PUT /profile/{userId}/displayname</summary>
    public Task SetDisplayNameAsync(string userId, string displayName, CancellationToken cancellationToken) =>
        client.SendJsonAsync(HttpMethod.Put, $"{ClientV3}/profile/{MatrixClient.Segment(userId)}/displayname",
            new JsonObject { ["displayname"] = displayName }, userId, null, cancellationToken);

    /// <summary>PUT /profile/{userId}/avatar_url</summary>
    public Task SetAvatarUrlAsync(string userId, string avatarUrl, CancellationToken cancellationToken) =>
        client.SendJsonAsync(HttpMethod.Put, $"{ClientV3}/profile/{MatrixClient.Segment(userId)}/avatar_url",
            new JsonObject { ["avatar_url"] = avatarUrl }, userId, null, cancellationToken);

    /// <summary>PUT /presence/{userId}/status</summary>
    public Task SetPresenceAsync(string userId, string presence, string? statusMsg, CancellationToken cancellationToken) =>
        client.SendJsonAsync(HttpMethod.Put, $"{ClientV3}/presence/{MatrixClient.Segment(userId)}/status",
            new JsonObject { ["presence"] = presence, ["status_msg"] = statusMsg ?? "" }, userId, null, cancellationToken);

    /// <summary>POST /join/{roomIdOrAlias} as <paramref name="userId"/>.</summary>
    public Task JoinAsync(string userId, string roomId, CancellationToken cancellationToken) =>
        client.SendJsonAsync(HttpMethod.Post, $"{ClientV3}/join/{MatrixClient.Segment(roomId)}", new JsonObject(), userId, null,
            cancellationToken);

    /// <summary>Adds <paramref name="roomId"/> as a DM with <paramref name="otherUserId"/> to <paramref name="userId"/>'s
    /// <c>m.direct</c> (GET then PUT /user/{userId}/account_data/m.direct), keeping what is there.</summary>
    public async Task AddDirectRoomAsync(string userId, string otherUserId, string roomId, CancellationToken cancellationToken)
    {
        var path = $"{ClientV3}/user/{MatrixClient.Segment(userId)}/account_data/m.direct";
        JsonObject direct;
        try
        {
            var current = await client.SendJsonAsync(HttpMethod.Get, path, null, userId, null, cancellationToken);
            direct = current.ValueKind == JsonValueKind.Object ? JsonNode.Parse(current.GetRawText())!.AsObject() : [];
        }
        catch (MatrixApiException e) when (e.ErrCode == "M_NOT_FOUND")
        {
            direct = [];
        }

        if (direct[otherUserId] is not JsonArray rooms)
        {
            rooms = [];
            direct[otherUserId] = rooms;
        }

        if (rooms.Any(r => r is JsonValue v && v.TryGetValue<string>(out var id) && id == roomId))
        {
            return;
        }

        rooms.Add(roomId);
        await client.SendJsonAsync(HttpMethod.Put, path, direct, userId, null, cancellationToken);
    }
}
