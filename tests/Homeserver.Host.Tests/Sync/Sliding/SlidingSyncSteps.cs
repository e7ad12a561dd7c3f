using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Sync.Sliding;

/// <summary>Sliding sync (MSC4186) calls a test's user makes, as matrix-js-sdk makes them (pos and timeout in the
/// query, under the unstable prefix).</summary>
public static class SlidingSyncSteps
{
    public const string Path = "/_matrix/client/unstable/org.matrix.simplified_msc3575/sync";

    public static Task<HttpResponseMessage> TrySlidingSyncAsync(this TestSession session, JsonObject body,
        string? pos = null, int timeoutMs = 0, string path = Path) =>
        session.Client.PostAsJsonAsync(path + $"?timeout={timeoutMs}" +
                                       (pos is null ? "" : "&pos=" + Uri.EscapeDataString(pos)), body);

    public static async Task<JsonElement> SlidingSyncAsync(this TestSession session, JsonObject body,
        string? pos = null, int timeoutMs = 0, string path = Path) =>
        await MatrixAssert.OkAsync(await session.TrySlidingSyncAsync(body, pos, timeoutMs, path));

    /// <summary>A body with one list <c>all</c> over the range [start, end].</summary>
    public static JsonObject ListBody(int start, int end, int timelineLimit = 5, JsonArray? requiredState = null,
        JsonObject? filters = null)
    {
        var list = new JsonObject
        {
            ["ranges"] = new JsonArray(new JsonArray(start, end)),
            ["timeline_limit"] = timelineLimit,
            ["required_state"] = requiredState ?? new JsonArray(),
        };
        if (filters is not null)
        {
            list["filters"] = filters;
        }

        return new JsonObject { ["lists"] = new JsonObject { ["all"] = list } };
    }

    public static JsonArray Pairs(params (string Type, string StateKey)[] pairs) =>
        new(pairs.Select(p => (JsonNode?)new JsonArray(p.Type, p.StateKey)).ToArray());

    public static string Pos(this JsonElement response) => response.GetProperty("pos").GetString()!;

    public static List<string> RoomIds(this JsonElement response) =>
        response.GetProperty("rooms").EnumerateObject().Select(p => p.Name).ToList();

    public static JsonElement SlidingRoom(this JsonElement response, string roomId) =>
        response.GetProperty("rooms").GetProperty(roomId);

    public static List<string> TimelineBodies(this JsonElement room) =>
        room.TryGetProperty("timeline", out var timeline) ? timeline.Bodies() : [];

    public static List<(string Type, string StateKey)> RequiredStateKeys(this JsonElement room) =>
        room.TryGetProperty("required_state", out var state)
            ? state.EnumerateArray().Select(e => (e.GetProperty("type").GetString()!,
                e.GetProperty("state_key").GetString()!)).ToList()
            : [];
}
