using System.Diagnostics;
using System.Globalization;
using Homeserver.Bench.Client;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Scenarios;

/// <summary>
/// live-guests: a live event's channel. G guests (<c>register?kind=guest</c>, a display name, joined, a filter with
/// lazy-loaded members and a short timeline) long-poll /sync while P users post R messages a second in total for D
/// seconds, each poster on its own schedule (message n is due at n/R s). Delivery latency is from the start of a send
/// to each guest's /sync response holding it, over every guest and message; the sends' own latency is a second phase.
/// With --pid: the server's RSS idle, with the guests connected, steady (median of the second half of the posting) and
/// peak (highest sample, and VmHWM: the process's peak over its life), and its CPU.
/// </summary>
public sealed class LiveGuestsScenario : IScenario
{
    /// <summary>The live web client's timeline limit (<c>TIMELINE_LIMIT</c> in src/LiveChat/src/syncFilter.ts): the
    /// guests ask for what its pages ask for.</summary>
    internal const int TimelineLimit = 50;

    private const int GuestSetupParallelism = 16;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(35);

    public string Name => "live-guests";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var sizes = context.Sizes;
        var planned = Math.Max(1, (int)Math.Round(sizes.PostRate * sizes.LiveDuration.TotalSeconds));
        var messages = new LiveMessages(planned);
        context.Announce(Name, $"the event channel and {sizes.Posters} posters");
        var owner = await context.Registrar.RegisterAsync("live_owner", cancellationToken);
        var created = await Setup.CallAsync(ct => context.Api.CreateEventChannelAsync(owner, "live-guests", ct),
            "createRoom (event channel)", cancellationToken);
        var room = created.StringProperty("room_id") ?? throw new BenchSetupException($"createRoom: {created}");
        var posters = await context.Registrar.RegisterManyAsync("live_poster", sizes.Posters, cancellationToken);
        await Setup.JoinAllAsync(context.Api, posters, room, cancellationToken);
        var guests = await GuestsAsync(context, room, messages, cancellationToken);
        var rssIdle = context.Server?.RssBytes();

        context.Announce(Name, $"{guests.Count} guests start long-polling");
        var loadAtStart = LoadAverage();
        await using var deliveries = context.Begin(Name + "/delivery",
            $"{guests.Count} guests long-poll /sync, {sizes.Posters} users post {Rate(sizes.PostRate)} msgs/s for " +
            $"{sizes.LiveDuration.TotalSeconds:0.#} s; latency from the send's start to each guest's /sync response",
            guests.Count, guests.Count * planned);
        using var stopGuests = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = 0;
        var readers = guests.Select(guest => Task.Run(() => guest.RunAsync(deliveries.Recorder,
            () => Interlocked.Increment(ref started), stopGuests.Token), CancellationToken.None)).ToList();
        while (Volatile.Read(ref started) < guests.Count)
        {
            await Task.Delay(20, cancellationToken);
        }

        // Started is not yet accepted: give the server a moment to take every long-poll.
        await Task.Delay(TimeSpan.FromMilliseconds(500 + guests.Count / 2), cancellationToken);
        var rssConnected = deliveries.SampleRss();
        var fdsConnected = context.Server?.OpenFileDescriptors();

        using var stopSampling = new CancellationTokenSource();
        var sampler = RssSamplesAsync(context.Server, stopSampling.Token);
        ScenarioResult sendResult;
        await using (var sends = context.Begin(Name + "/send",
                         $"{sizes.Posters} posters, {planned} messages on schedule ({Rate(sizes.PostRate)}/s); a send",
                         sizes.Posters, planned))
        {
            await PostAsync(context, posters, room, messages, sizes.PostRate, sends.Recorder, cancellationToken);
            sendResult = await sends.CompleteAsync(new Dictionary<string, double>
            {
                ["messages_planned"] = planned,
                ["messages_sent"] = messages.Sent,
            });
        }

        await stopSampling.CancelAsync();
        var samples = await sampler;
        var sent = messages.Sent;
        await DrainAsync(messages, (long)sent * guests.Count, cancellationToken);
        deliveries.StopClock();
        await stopGuests.CancelAsync();
        await Task.WhenAll(readers);

        var missing = 0L;
        for (var n = 0; n < planned; n++)
        {
            if (messages.SentAt(n) > 0)
            {
                missing += guests.Count(guest => !guest.Received(n));
            }
        }

        for (var i = 0L; i < missing; i++)
        {
            deliveries.Recorder.Error("not delivered");
        }

        var extra = new Dictionary<string, double>
        {
            ["guests"] = guests.Count,
            ["posters"] = sizes.Posters,
            ["rate_per_second"] = sizes.PostRate,
            ["messages_sent"] = sent,
            ["sync_responses"] = messages.SyncResponses,
            ["deliveries_per_sync_response"] = messages.SyncResponses == 0 ? 0 : messages.Delivered / (double)messages.SyncResponses,
            ["limited_timelines"] = messages.LimitedTimelines,
            ["load_average_1m_start"] = loadAtStart,
            ["load_average_1m_end"] = LoadAverage(),
        };
        AddServerFigures(extra, context.Server, rssIdle, rssConnected, fdsConnected, samples);
        return [await deliveries.CompleteAsync(extra), sendResult];
    }

    /// <summary>
    /// Registers the guests as a guest client does, a few at a time, then takes each one's first sync once all have
    /// joined (so their long-polls wait for the posts, not for each other's joins).
    /// </summary>
    private async Task<IReadOnlyList<LiveGuestReader>> GuestsAsync(BenchContext context, string room,
        LiveMessages messages, CancellationToken cancellationToken)
    {
        var count = context.Sizes.Guests;
        var joined = new (Session Guest, string FilterId)[count];
        var guests = new LiveGuestReader[count];
        var done = 0;
        var filter = GuestApi.GuestSyncFilter(TimelineLimit);
        var parallelism = new ParallelOptions
        {
            MaxDegreeOfParallelism = GuestSetupParallelism, CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(Enumerable.Range(0, count), parallelism, async (i, ct) =>
        {
            var registered = await Setup.CallAsync(c => context.Api.RegisterGuestAsync(c), "register a guest", ct);
            var guest = new Session(registered.StringProperty("user_id")!, registered.StringProperty("access_token")
                ?? throw new BenchSetupException($"guest registration gave no access_token: {registered}"));
            var name = string.Create(CultureInfo.InvariantCulture, $"Guest {i}");
            await Setup.CallAsync(c => context.Api.SetDisplayNameAsync(guest, name, c), "guest display name", ct);
            await Setup.CallAsync(c => context.Api.JoinRoomIdAsync(guest, room, c), $"guest join {room}", ct);
            var uploaded = await Setup.CallAsync(
                c => context.Api.UploadFilterAsync(guest, filter.DeepClone().AsObject(), c), "guest filter", ct);
            joined[i] = (guest, uploaded.StringProperty("filter_id")
                                ?? throw new BenchSetupException($"filter upload: {uploaded}"));
            if (Interlocked.Increment(ref done) % 250 == 0)
            {
                context.Announce(Name, $"{done}/{count} guests joined");
            }
        });
        await Parallel.ForEachAsync(Enumerable.Range(0, count), parallelism, async (i, ct) =>
        {
            var (guest, filterId) = joined[i];
            var since = await Setup.SinceAsync(context.Api, guest, filterId, ct);
            guests[i] = new LiveGuestReader(context.Api, guest, room, filterId, since, messages);
        });
        return guests;
    }

    /// <summary>Each poster sends its messages (n = its index, + posters, ...) when they are due, at n / rate s.</summary>
    private static Task PostAsync(BenchContext context, IReadOnlyList<Session> posters, string room,
        LiveMessages messages, double rate, Recorder recorder, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        return Task.WhenAll(Enumerable.Range(0, posters.Count).Select(p => Task.Run(async () =>
        {
            for (var n = p; n < messages.Planned; n += posters.Count)
            {
                var due = TimeSpan.FromSeconds(n / rate) - Stopwatch.GetElapsedTime(start);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, cancellationToken);
                }

                var sequence = n;
                messages.MarkSending(sequence, Stopwatch.GetTimestamp());
                var response = await recorder.TimeAsync(ct => context.Api.SendMessageAsync(posters[p], room,
                    context.NextTxnId(), LiveMessages.Body(sequence), ct), cancellationToken);
                if (response is not { Ok: true })
                {
                    messages.Forget(sequence);
                }
            }
        }, cancellationToken)));
    }

    /// <summary>Waits until every guest has every sent message, or the drain timeout.</summary>
    private static async Task DrainAsync(LiveMessages messages, long expected, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(DrainTimeout.TotalSeconds * Stopwatch.Frequency);
        while (messages.Delivered < expected && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    /// <summary>The server's RSS once a second, until stopped.</summary>
    private static async Task<List<long>> RssSamplesAsync(ServerProcess? server, CancellationToken stop)
    {
        var samples = new List<long>();
        if (server is null)
        {
            return samples;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            do
            {
                if (server.RssBytes() is { } rss)
                {
                    samples.Add(rss);
                }
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException)
        {
        }

        return samples;
    }

    private static void AddServerFigures(Dictionary<string, double> extra, ServerProcess? server, long? rssIdle,
        long? rssConnected, int? fdsConnected, List<long> samples)
    {
        if (rssIdle is { } idle)
        {
            extra["rss_idle_bytes"] = idle;
        }

        if (rssConnected is { } connected)
        {
            extra["rss_guests_connected_bytes"] = connected;
        }

        if (samples.Count > 0)
        {
            var secondHalf = samples.Skip(samples.Count / 2).Order().ToList();
            extra["rss_steady_bytes"] = secondHalf[secondHalf.Count / 2];
            extra["rss_peak_sampled_bytes"] = samples.Max();
        }

        if (server?.PeakRssBytes() is { } hwm)
        {
            extra["rss_vmhwm_bytes"] = hwm;
        }

        if (fdsConnected is { } fds)
        {
            extra["server_fds_guests_connected"] = fds;
        }
    }

    /// <summary>The 1-minute load average of the machine (/proc/loadavg), or -1 where there is none.</summary>
    private static double LoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private static string Rate(double rate) => rate.ToString("0.##", CultureInfo.InvariantCulture);
}
