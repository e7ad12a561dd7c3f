using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>Room operations the alias, directory and hierarchy tests share, each asserting success.</summary>
public static class DirectoryTestRooms
{
    public const string ServerName = "localhost";

    public static async Task<string> CreateRoomAsync(TestSession session, JsonObject? body = null)
    {
        var response = await session.Client.PostAsJsonAsync("/_matrix/client/v3/createRoom", body ?? new JsonObject());
        return (await MatrixAssert.OkAsync(response)).GetProperty("room_id").GetString()!;
    }

    public static async Task JoinAsync(TestSession session, string roomIdOrAlias) =>
        await MatrixAssert.OkAsync(await session.Client.PostAsJsonAsync(
            "/_matrix/client/v3/join/" + Uri.EscapeDataString(roomIdOrAlias), new JsonObject()));

    public static Task<HttpResponseMessage> PutStateAsync(TestSession session, string roomId, string type,
        string stateKey, JsonObject content) =>
        session.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/state/{type}/{Uri.EscapeDataString(stateKey)}",
            content);

    public static Task<HttpResponseMessage> PutAliasAsync(TestSession session, string alias, string roomId) =>
        session.Client.PutAsJsonAsync(AliasPath(alias), new JsonObject { ["room_id"] = roomId });

    public static string AliasPath(string alias) => "/_matrix/client/v3/directory/room/" + Uri.EscapeDataString(alias);

    /// <summary>A fresh alias of the test server.</summary>
    public static string NewAlias(string prefix = "room") => $"#{LiveServer.UniqueUsername(prefix)}:{ServerName}";

    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string path) =>
        await MatrixAssert.OkAsync(await client.GetAsync(path));
}
