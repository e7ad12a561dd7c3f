using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;

namespace Homeserver.Host.Tests.Misc;

/// <summary>Requests of MSC4140 (unstable prefix) as Element Call's matrix-js-sdk makes them.</summary>
internal static class DelayedEventSteps
{
    public const string Prefix = "/_matrix/client/unstable/org.matrix.msc4140/delayed_events";

    public static Task<HttpResponseMessage> TrySendDelayedAsync(this TestSession session, string roomId, string type,
        JsonObject content, long delayMs, string? txnId = null) =>
        session.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(roomId)}/send/{RoomSteps.Escape(type)}/" +
            $"{txnId ?? Guid.NewGuid().ToString("N")}?org.matrix.msc4140.delay={delayMs}", content);

    public static async Task<string> SendDelayedAsync(this TestSession session, string roomId, string body, long delayMs,
        string? txnId = null) =>
        (await MatrixAssert.OkAsync(await session.TrySendDelayedAsync(roomId, "m.room.message",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = body }, delayMs, txnId)))
        .GetProperty("delay_id").GetString()!;

    public static async Task<string> SetStateDelayedAsync(this TestSession session, string roomId, string type,
        string stateKey, JsonObject content, long delayMs) =>
        (await MatrixAssert.OkAsync(await session.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(roomId)}/state/{RoomSteps.Escape(type)}/" +
            $"{RoomSteps.Escape(stateKey)}?org.matrix.msc4140.delay={delayMs}", content)))
        .GetProperty("delay_id").GetString()!;

    public static Task<HttpResponseMessage> ActAsync(this HttpClient client, string delayId, string action) =>
        client.PostAsJsonAsync($"{Prefix}/{delayId}/{action}", new JsonObject());

    public static async Task<IReadOnlyList<JsonElement>> DelayedEventsAsync(this TestSession session,
        string? status = null) =>
        (await MatrixAssert.OkAsync(await session.Client.GetAsync(Prefix + (status is null ? "" : "?status=" + status))))
        .GetProperty("delayed_events").EnumerateArray().ToList();

    public static async Task<JsonElement> DelayedEventAsync(this TestSession session, string delayId) =>
        (await session.DelayedEventsAsync()).Single(e => e.GetProperty("delay_id").GetString() == delayId);

    /// <summary>Waits until the scheduler is finalised with the delayed event (it runs in the background).</summary>
    public static async Task<JsonElement> FinalisedAsync(this TestSession session, string delayId)
    {
        await Eventually.HoldsAsync(async () =>
                (await session.DelayedEventAsync(delayId)).TryGetProperty("outcome", out _),
            $"delayed event {delayId} is finalised");
        return await session.DelayedEventAsync(delayId);
    }

    /// <summary>Waits until the scheduler armed a timer of <paramref name="due"/> (others' timers are skipped).</summary>
    public static async Task SchedulerWaitsAsync(this ManualClock clock, TimeSpan due)
    {
        while (await clock.NextTimerAsync() != due)
        {
        }
    }
}
