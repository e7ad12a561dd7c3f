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
        return await SendAsync(session, query, traceParent: null);
    }

    /// <summary>
    /// Starts a long poll from <paramref name="since"/> and returns it (still running, unless it had something to
    /// answer at once) after the server has finished its first pass: whatever changes from then on reaches the poll
    /// by a wake-up, not in that pass.
    /// </summary>
    public static async Task<Task<JsonElement>> LongPollAsync(this TestSession session, string since,
        int timeoutMs = 30_000, string? extraQuery = null)
    {
        using var signal = SyncPassSignal.Watch();
        var poll = SendAsync(session, $"timeout={timeoutMs}&since={RoomSteps.Escape(since)}" +
            (extraQuery is null ? "" : "&" + extraQuery), signal.TraceParent);
        await Task.WhenAny(signal.FirstPassEnded, poll).WaitAsync(TimeSpan.FromSeconds(30));
        return poll;
    }

    private static async Task<JsonElement> SendAsync(TestSession session, string query, string? traceParent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_matrix/client/v3/sync?" + query);
        if (traceParent is not null)
        {
            request.Headers.Add("traceparent", traceParent);
        }

        var response = await session.Client.SendAsync(request);
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
