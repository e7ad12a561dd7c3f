using System.Text.Json;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Sync;

/// <summary>/sync calls a test's user makes.</summary>
public static class SyncSteps
{
    public static async Task<JsonElement> SyncAsync(this TestSession session, string? since = null,
        string? filter = null, int timeoutMs = 0, bool fullState = false, string? extraQuery = null)
    {
        var query = $"timeout={timeoutMs}" + (since is null ? "" : "&since=" + RoomSteps.Escape(since)) +
                    (filter is null ? "" : "&filter=" + RoomSteps.Escape(filter)) +
                    (fullState ? "&full_state=true" : "") + (extraQuery is null ? "" : "&" + extraQuery);
        var response = await session.Client.GetAsync("/_matrix/client/v3/sync?" + query);
        await MatrixAssert.OkAsync(response);
        return await SpecSchema.AssertValidAsync(response); // every /sync of the tests, against the spec's schemas
    }

    public static string NextBatch(this JsonElement sync) => sync.GetProperty("next_batch").GetString()!;

    /// <summary>The room's entry in rooms.{section}, or null when absent.</summary>
    public static JsonElement? Room(this JsonElement sync, string section, string roomId) =>
        sync.GetProperty("rooms").GetProperty(section).TryGetProperty(roomId, out var room) ? room : null;

    public static JsonElement Timeline(this JsonElement room) => room.GetProperty("timeline").GetProperty("events");

    public static List<(string Type, string? StateKey)> StateKeys(this JsonElement room, string section = "state") =>
        room.GetProperty(section).GetProperty("events").EnumerateArray()
            .Select(e => (e.GetProperty("type").GetString()!, e.GetProperty("state_key").GetString())).ToList();
}
