using Homeserver.Bench.Client;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Scenarios;

/// <summary>
/// idle-conns: K long-polling /sync connections held open (re-polled when they return); meanwhile probes (GET /versions
/// and a send into a room none of the pollers is in) show whether the server stays responsive. With --pid: RSS before and
/// with the connections open, and memory per idle connection.
/// </summary>
public sealed class IdleConnectionsScenario : IScenario
{
    private const int LongPollMs = 30_000;
    private const int MaxPollingUsers = 50;

    public string Name => "idle-conns";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var connections = context.Sizes.Connections;
        var probes = context.Sizes.Probes;
        var pollerCount = Math.Clamp(connections, 1, MaxPollingUsers);
        context.Announce(Name, $"{pollerCount} polling users, a prober and its room");
        var pollers = await context.Registrar.RegisterManyAsync("idle", pollerCount, cancellationToken);
        var prober = await context.Registrar.RegisterAsync("idle_prober", cancellationToken);
        var probeRoom = await Setup.CreateRoomAsync(context.Api, prober, false, "idle-conns probes", cancellationToken);
        var since = new string[pollerCount];
        await Parallel.ForEachAsync(Enumerable.Range(0, pollerCount), Setup.Parallelism(cancellationToken),
            async (i, ct) => since[i] = await Setup.SinceAsync(context.Api, pollers[i], null, ct));

        var before = new Recorder();
        await ProbeAsync(context, prober, probeRoom, probes, before, cancellationToken);
        var rssBefore = context.Server?.RssBytes();
        var fdsBefore = context.Server?.OpenFileDescriptors();

        context.Announce(Name, $"opening {connections} long-polling /sync connections");
        var pollErrors = new Recorder();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = 0;
        var loops = Enumerable.Range(0, connections).Select(i => Task.Run(() => PollAsync(context.Api,
            pollers[i % pollerCount], since[i % pollerCount], pollErrors, () => Interlocked.Increment(ref started),
            stop.Token), CancellationToken.None)).ToList();
        while (Volatile.Read(ref started) < connections)
        {
            await Task.Delay(50, cancellationToken);
        }

        // Sent is not yet accepted: give the server a moment to take every connection.
        await Task.Delay(TimeSpan.FromMilliseconds(1000 + connections / 5), cancellationToken);

        ScenarioResult result;
        await using (var run = context.Begin(Name,
                         $"probes (GET /versions + a send) with {connections} long-polling /sync connections open",
                         1, 2 * probes))
        {
            var rssOpen = run.SampleRss();
            var fdsOpen = context.Server?.OpenFileDescriptors();
            await ProbeAsync(context, prober, probeRoom, probes, run.Recorder, cancellationToken);
            var rssDuring = Math.Max(rssOpen ?? 0, run.SampleRss() ?? 0);
            run.StopClock();
            await stop.CancelAsync();
            await Task.WhenAll(loops);
            foreach (var (kind, count) in pollErrors.Errors)
            {
                for (var i = 0; i < count; i++)
                {
                    run.Recorder.Error("long-poll " + kind);
                }
            }

            var sortedBefore = before.SortedLatencies();
            var extra = new Dictionary<string, double>
            {
                ["connections"] = connections,
                ["probe_p50_before_ms"] = LatencyStats.Percentile(sortedBefore, 50),
                ["probe_p99_before_ms"] = LatencyStats.Percentile(sortedBefore, 99),
            };
            if (fdsBefore is { } fb && fdsOpen is { } fo)
            {
                extra["server_fds_before"] = fb;
                extra["server_fds_open"] = fo;
            }

            if (rssBefore is { } b && rssDuring > 0)
            {
                extra["rss_before_bytes"] = b;
                extra["rss_open_bytes"] = rssDuring;
                extra["bytes_per_idle_connection"] = (rssDuring - b) / (double)connections;
            }

            result = await run.CompleteAsync(extra);
        }

        return [result];
    }

    private static async Task ProbeAsync(BenchContext context, Session prober, string room, int probes,
        Recorder recorder, CancellationToken cancellationToken)
    {
        for (var i = 0; i < probes; i++)
        {
            await recorder.TimeAsync(ct => context.Api.VersionsAsync(ct), cancellationToken);
            await recorder.TimeAsync(
                ct => context.Api.SendMessageAsync(prober, room, context.NextTxnId(), Payload.Text(i), ct),
                cancellationToken);
        }
    }

    private static async Task PollAsync(MatrixApi api, Session poller, string since, Recorder errors, Action started,
        CancellationToken stop)
    {
        var first = true;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var request = api.SyncAsync(poller, since, LongPollMs, null, stop);
                if (first)
                {
                    started();
                    first = false;
                }

                var response = await request;
                if (!response.Ok)
                {
                    errors.Error(response.ErrorKey);
                    await Task.Delay(TimeSpan.FromMilliseconds(500), stop);
                    continue;
                }

                since = response.StringProperty("next_batch") ?? since;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException e)
            {
                errors.Error("exception " + e.GetType().Name);
            }
        }
    }
}
