using System.Diagnostics;
using System.Text.Json;
using Homeserver.Bench.Client;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Scenarios;

/// <summary>messages: paginate back through E events with /messages (dir=b) from the room's end; one operation is one full pagination.</summary>
public sealed class MessagesScenario : IScenario
{
    private const int SetupSenders = 4;

    public string Name => "messages";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var events = context.Sizes.PaginateEvents;
        var pageSize = context.Sizes.PageSize;
        var repeats = context.Sizes.Repeats;
        context.Announce(Name, $"a room with {events} messages");
        var user = await context.Registrar.RegisterAsync("history", cancellationToken);
        var room = await Setup.CreateRoomAsync(context.Api, user, false, "messages", cancellationToken);
        await Load.RunWorkersAsync(SetupSenders, 1, (worker, _, ct) => Setup.SendManyAsync(context.Api, user, room,
            events / SetupSenders + (worker < events % SetupSenders ? 1 : 0), context.NextTxnId(), ct), cancellationToken);
        // The room's end: next_batch of a sync works as a /messages token on every server.
        var end = await Setup.SinceAsync(context.Api, user, MatrixApi.RoomOnlyFilter(room, 1), cancellationToken);

        await using var run = context.Begin(Name,
            $"paginate {events} events back with /messages (limit {pageSize}); one op = the whole pagination", 1, repeats);
        var pages = 0;
        for (var i = 0; i < repeats; i++)
        {
            pages = await PaginateAsync(context.Api, user, room, end, events, pageSize, run.Recorder, cancellationToken);
        }

        var result = await run.CompleteAsync(new Dictionary<string, double> { ["pages_per_pagination"] = pages });
        result.Targets.Add(new TargetCheck("p50 < 150 ms (issue's target at 1,000 events)", result.Latency.P50 < 150));
        return [result];
    }

    /// <summary>One timed pagination; returns the number of pages it took.</summary>
    private static async Task<int> PaginateAsync(MatrixApi api, Session user, string room, string end, int wanted,
        int pageSize, Recorder recorder, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var from = end;
        var seen = 0;
        var pages = 0;
        while (seen < wanted)
        {
            ApiResponse response;
            try
            {
                response = await api.MessagesBackAsync(user, room, from, pageSize, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                recorder.Error("exception " + e.GetType().Name);
                return pages;
            }

            pages++;
            if (!response.Ok)
            {
                recorder.Error(response.ErrorKey);
                return pages;
            }

            var chunk = response.Body.TryGetProperty("chunk", out var c) && c.ValueKind == JsonValueKind.Array
                ? c.GetArrayLength()
                : 0;
            seen += chunk;
            if (chunk == 0 || response.StringProperty("end") is not { } next)
            {
                break;
            }

            from = next;
        }

        if (seen < wanted)
        {
            recorder.Error("short pagination");
        }
        else
        {
            recorder.Success(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return pages;
    }
}
