using System.Diagnostics;
using Homeserver.Bench.Client;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Scenarios;

/// <summary>
/// fed-latency: federation delivery latency. A user of the first server (A) creates a public room; a user of the second
/// server (B, <see cref="BenchOptions.RemoteUrl"/>) joins it through A, and a second user of A joins it locally. Both
/// long-poll /sync while A's user sends N messages; each message's latency is from the start of its send request to the
/// /sync response that held it, on B (remote) and on A (local: the same server's baseline, measured on the same
/// messages). Two phases: paced (the next message when both have the last) and burst (N sends back to back, then
/// everything awaited; throughput is delivery's). The remote results carry their ratio to the local ones.
/// </summary>
public sealed class FederationLatencyScenario : IScenario
{
    private const int TimelineLimit = 100;
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(60);

    public string Name => "fed-latency";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var remote = context.Remote ?? throw new BenchSetupException(
            "fed-latency needs a second server federating with the first (--remote-url)");
        context.Announce(Name, "a sender and a local watcher on the first server, a watcher on the second");
        var sender = await context.Registrar.RegisterAsync("fed_sender", cancellationToken);
        var localUser = await context.Registrar.RegisterAsync("fed_local", cancellationToken);
        var remoteUser = await remote.Registrar.RegisterAsync("fed_remote", cancellationToken);
        var room = await Setup.CreateRoomAsync(context.Api, sender, true, "fed-latency", cancellationToken);
        var origin = sender.UserId[(sender.UserId.IndexOf(':', StringComparison.Ordinal) + 1)..];
        await Setup.CallAsync(ct => context.Api.JoinAsync(localUser, room, ct), "local join", cancellationToken);
        await Setup.CallAsync(ct => remote.Api.JoinAsync(remoteUser, room, ct, via: origin),
            $"remote join through {origin}", cancellationToken);
        var filter = MatrixApi.RoomOnlyFilter(room, TimelineLimit);
        var local = new DeliveryWatcher(context.Api, localUser, room, filter,
            await Setup.SinceAsync(context.Api, localUser, filter, cancellationToken));
        var remoteWatcher = new DeliveryWatcher(remote.Api, remoteUser, room, filter,
            await Setup.SinceAsync(remote.Api, remoteUser, filter, cancellationToken));

        var results = new List<ScenarioResult>();
        foreach (var paced in new[] { true, false })
        {
            results.AddRange(await MeasureAsync(context, sender, room, paced, local, remoteWatcher, cancellationToken));
        }

        return results;
    }

    private async Task<IReadOnlyList<ScenarioResult>> MeasureAsync(BenchContext context, Session sender, string room,
        bool paced, DeliveryWatcher local, DeliveryWatcher remote, CancellationToken cancellationToken)
    {
        var phase = paced ? "paced" : "burst";
        var messages = context.Sizes.FederationMessages;
        var how = paced ? "one at a time, the next when both have the last" : "sent back to back";
        await using var remoteRun = context.Begin($"{Name}/{phase}/remote",
            $"{messages} messages {how}; from the send's start on A to B's /sync", 1, messages);
        await using var localRun = context.Begin($"{Name}/{phase}/local",
            $"the same messages, from the send's start on A to A's /sync (the local baseline)", 1, messages);
        var watchers = new[] { (Watcher: remote, Run: remoteRun), (Watcher: local, Run: localRun) };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loops = watchers.Select(w =>
        {
            w.Watcher.RecordInto(w.Run.Recorder);
            return Task.Run(() => w.Watcher.RunAsync(stop.Token), CancellationToken.None);
        }).ToList();

        var sent = new List<string>();
        for (var i = 0; i < messages; i++)
        {
            var body = $"{context.Registrar.RunPrefix} {phase} {i} " + Payload.Text(i);
            var startedAt = Stopwatch.GetTimestamp();
            foreach (var (watcher, _) in watchers)
            {
                watcher.Expect(body, startedAt);
            }

            var response = await context.Api.SendMessageAsync(sender, room, context.NextTxnId(), body, cancellationToken);
            if (!response.Ok)
            {
                foreach (var (watcher, run) in watchers)
                {
                    watcher.Forget(body);
                    run.Recorder.Error("send " + response.ErrorKey);
                }

                continue;
            }

            sent.Add(body);
            if (paced)
            {
                await AwaitDeliveriesAsync(watchers.Select(w => w.Watcher.ArrivalOf(body)), cancellationToken);
            }
        }

        await Task.WhenAll(watchers.Select(async w =>
        {
            await AwaitDeliveriesAsync(sent.Select(w.Watcher.ArrivalOf), cancellationToken);
            w.Run.StopClock();
        }));
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        foreach (var (watcher, run) in watchers)
        {
            for (var missing = watcher.Missing; missing > 0; missing--)
            {
                run.Recorder.Error("not delivered");
            }
        }

        var localResult = await localRun.CompleteAsync();
        var remoteResult = await remoteRun.CompleteAsync();
        remoteResult.Extra["p50_x_local"] = Ratio(remoteResult.Latency.P50, localResult.Latency.P50);
        remoteResult.Extra["p99_x_local"] = Ratio(remoteResult.Latency.P99, localResult.Latency.P99);
        remoteResult.Extra["throughput_x_local"] = Ratio(remoteResult.OpsPerSecond, localResult.OpsPerSecond);
        return [remoteResult, localResult];
    }

    /// <summary>Waits for the deliveries, for at most <see cref="DeliveryTimeout"/> (the missing ones are then counted).</summary>
    private static async Task AwaitDeliveriesAsync(IEnumerable<Task> arrivals, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(arrivals).WaitAsync(DeliveryTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }

    private static double Ratio(double remote, double local) => local > 0 ? Math.Round(remote / local, 2) : 0;
}
