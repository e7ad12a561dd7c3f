using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>Alias paths and requests the alias, directory and hierarchy tests share.</summary>
public static class DirectoryTestRooms
{
    public const string ServerName = "localhost";

    public static Task<HttpResponseMessage> PutAliasAsync(TestSession session, string alias, string roomId) =>
        session.Client.PutAsJsonAsync(AliasPath(alias), new JsonObject { ["room_id"] = roomId });

    public static string AliasPath(string alias) => "/_matrix/client/v3/directory/room/" + Uri.EscapeDataString(alias);

    /// <summary>A fresh alias of the test server.</summary>
    public static string NewAlias(string prefix = "room") => $"#{LiveServer.UniqueUsername(prefix)}:{ServerName}";
}
