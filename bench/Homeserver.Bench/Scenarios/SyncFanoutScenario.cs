using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Homeserver.Bench.Client;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Scenarios;

/// <summary>
/// sync-fanout: U users in one room long-poll /sync while one user sends, one message at a time; for every receiver and
/// message, the time from the sender's 200 OK to the receiver's /sync response holding the event (0 when the event came
/// before the 200 OK). Each receiver re-polls at once; the next message goes when every receiver has the last one.
/// </summary>
public sealed class SyncFanoutScenario : IScenario
{
    private const int LongPollMs = 30_000;
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(35);
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(20);

    public string Name => "sync-fanout";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var users = context.Sizes.Users;
        var messages = context.Sizes.FanoutMessages;
        context.Announce(Name, $"{users} receivers and a sender in one room");
        var sender = await context.Registrar.RegisterAsync("fan_sender", cancellationToken);
        var receivers = await context.Registrar.RegisterManyAsync("fan", users, cancellationToken);
        var room = await Setup.CreateRoomAsync(context.Api, sender, true, "sync-fanout", cancellationToken);
        await Setup.JoinAllAsync(context.Api, receivers, room, cancellationToken);
        var filter = MatrixApi.RoomOnlyFilter(room, 20);
        var since = new string[users];
        await Parallel.ForEachAsync(Enumerable.Range(0, users), Setup.Parallelism(cancellationToken),
            async (i, ct) => since[i] = await Setup.SinceAsync(context.Api, receivers[i], filter, ct));

        var sentAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var deliveries = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var early = new ConcurrentQueue<(string EventId, long At)>();
        await using var run = context.Begin(Name,
            $"{users} receivers long-poll /sync, {messages} messages; latency from the send's 200 OK to each delivery",
            users, users * messages);
        using var stopReceivers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loops = Enumerable.Range(0, users).Select(i => Task.Run(() => ReceiveAsync(context.Api, receivers[i], room,
            since[i], filter, run.Recorder, sentAt, deliveries, early, stopReceivers.Token), CancellationToken.None)).ToList();
        // Let the receivers' long-polls reach the server before the first message.
        await Task.Delay(TimeSpan.FromMilliseconds(200 + users), cancellationToken);

        for (var m = 0; m < messages; m++)
        {
            var response = await context.Api.SendMessageAsync(sender, room, context.NextTxnId(), Payload.Text(m),
                cancellationToken);
            var at = Stopwatch.GetTimestamp();
            if (!response.Ok || response.StringProperty("event_id") is not { } eventId)
            {
                run.Recorder.Error("send " + response.ErrorKey);
                continue;
            }

            sentAt[eventId] = at;
            await WaitForDeliveriesAsync(deliveries, eventId, users, cancellationToken);
            await Task.Delay(Pause, cancellationToken);
        }

        run.StopClock();
        await stopReceivers.CancelAsync();
        await Task.WhenAll(loops);
        while (early.TryDequeue(out var delivery))
        {
            run.Recorder.Success(sentAt.TryGetValue(delivery.EventId, out var sent) && delivery.At > sent
                ? Stopwatch.GetElapsedTime(sent, delivery.At).TotalMilliseconds
                : 0);
        }

        var missing = sentAt.Keys.Sum(id => users - deliveries.GetValueOrDefault(id));
        for (var i = 0; i < missing; i++)
        {
            run.Recorder.Error("not delivered");
        }

        var result = await run.CompleteAsync();
        result.Targets.Add(new TargetCheck("p50 < 5 ms (issue's target at 1,000 receivers)", result.Latency.P50 < 5));
        result.Targets.Add(new TargetCheck("p99 < 100 ms (issue's target at 1,000 receivers)", result.Latency.P99 < 100));
        return [result];
    }

    private static async Task ReceiveAsync(MatrixApi api, Session receiver, string room, string since, string filter,
        Recorder recorder, ConcurrentDictionary<string, long> sentAt, ConcurrentDictionary<string, int> deliveries,
        ConcurrentQueue<(string, long)> early, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (await SyncPolling.PollAsync(api, receiver, since, LongPollMs, filter, recorder, stop) is not { } polled)
            {
                continue;
            }

            var (response, at) = polled;

            since = response.StringProperty("next_batch") ?? since;
            foreach (var eventId in TimelineEventIds(response.Body, room))
            {
                deliveries.AddOrUpdate(eventId, 1, (_, n) => n + 1);
                if (sentAt.TryGetValue(eventId, out var sent))
                {
                    recorder.Success(at > sent ? Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds : 0);
                }
                else
                {
                    early.Enqueue((eventId, at));
                }
            }
        }
    }

    /// <summary>The m.room.message event IDs in rooms.join[room].timeline.events of a /sync response.</summary>
    private static IEnumerable<string> TimelineEventIds(JsonElement sync, string room) =>
        SyncPolling.Timeline(sync, room) is { } timeline && timeline.TryGetProperty("events", out var events)
            ? SyncPolling.Messages(events)
                .Select(e => e.TryGetProperty("event_id", out var id) ? id.GetString() : null)
                .OfType<string>()
            : [];

    private static async Task WaitForDeliveriesAsync(ConcurrentDictionary<string, int> deliveries, string eventId,
        int expected, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(DeliveryTimeout.TotalSeconds * Stopwatch.Frequency);
        while (deliveries.GetValueOrDefault(eventId) < expected && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(1, cancellationToken);
        }
    }
}
