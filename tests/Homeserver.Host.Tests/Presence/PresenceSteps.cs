using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Host.Tests.Sync;

namespace Homeserver.Host.Tests.Presence;

/// <summary>Presence calls a test's user makes, and what a test reads from /sync's presence section.</summary>
public static class PresenceSteps
{
    /// <summary>Two new users joined to one room.</summary>
    public static async Task<(TestSession Alice, TestSession Bob)> RoomMatesAsync(this LiveServer server)
    {
        var alice = await server.RegisterAsync();
        var bob = await server.RegisterAsync();
        await alice.SharedRoomAsync(bob);
        return (alice, bob);
    }

    public static string StatusPath(string userId) => $"/_matrix/client/v3/presence/{RoomSteps.Escape(userId)}/status";

    public static Task<HttpResponseMessage> TrySetPresenceAsync(this TestSession session, string userId,
        JsonObject body) => session.Client.PutAsJsonAsync(StatusPath(userId), body);

    public static async Task SetPresenceAsync(this TestSession session, string presence, string? statusMsg = null)
    {
        var body = new JsonObject { ["presence"] = presence };
        if (statusMsg is not null)
        {
            body["status_msg"] = statusMsg;
        }

        await MatrixAssert.OkAsync(await session.TrySetPresenceAsync(session.UserId, body));
    }

    public static async Task<JsonElement> GetPresenceAsync(this TestSession session, string userId) =>
        await MatrixAssert.OkAsync(await session.Client.GetAsync(StatusPath(userId)));

    /// <summary>A sync with <c>set_presence</c>.</summary>
    public static async Task<JsonElement> SyncSettingPresenceAsync(this TestSession session, string setPresence,
        string? since = null, int timeoutMs = 0) =>
        await MatrixAssert.OkAsync(await session.Client.GetAsync(
            $"/_matrix/client/v3/sync?timeout={timeoutMs}&set_presence={setPresence}" +
            (since is null ? "" : "&since=" + RoomSteps.Escape(since))));

    /// <summary>
    /// Long-polls /sync from <paramref name="since"/> until it shows <paramref name="userId"/> in
    /// <paramref name="state"/> (other changes may wake it first), failing after <paramref name="within"/>.
    /// </summary>
    public static async Task<JsonElement> SyncUntilPresenceAsync(this TestSession session, string since,
        string userId, string state, TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        while (true)
        {
            var sync = await session.SyncAsync(since: since, timeoutMs: 5_000).WaitAsync(deadline.Token);
            if (sync.PresenceOf(userId).State() == state)
            {
                return sync;
            }

            since = sync.NextBatch();
        }
    }

    /// <summary>The m.presence events of a sync response.</summary>
    public static List<JsonElement> PresenceEvents(this JsonElement sync) =>
        sync.GetProperty("presence").GetProperty("events").EnumerateArray().ToList();

    /// <summary>The content of the user's m.presence event in a sync response, or null when there is none.</summary>
    public static JsonElement? PresenceOf(this JsonElement sync, string userId) =>
        sync.PresenceEvents().Where(e => e.GetProperty("sender").GetString() == userId)
            .Select(e => (JsonElement?)e.GetProperty("content")).LastOrDefault();

    public static string? State(this JsonElement? content) => content?.GetProperty("presence").GetString();
}
