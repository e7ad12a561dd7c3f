using Homeserver.Services.Federation.Sending;
using Homeserver.Testing;

namespace Homeserver.Services.Tests.Federation.Sending;

/// <summary>Transactions to a recording destination on loopback: limits, retries, refusals, back-off, catch-up.</summary>
public sealed class TransactionDeliveryTests
{
    [Fact]
    public async Task Transactions_carry_at_most_50_pdus_and_100_edus_in_queue_order()
    {
        await using var harness = await SenderHarness.StartAsync();
        var events = await harness.QueueEventsAsync("!r:origin.test", 120);
        await harness.QueueEduAsync("m.device_list_update", 150);

        var outcome = await harness.DeliverAsync();

        Assert.Equal(DeliveryState.Idle, outcome.State);
        var seen = harness.Seen.ToList();
        Assert.Equal([(50, 100), (50, 50), (20, 0)], seen.Select(t => (t.EventIds.Count, t.EduTypes.Count)));
        Assert.Equal(events, seen.SelectMany(t => t.EventIds));
        Assert.Equal(3, seen.Select(t => t.TxnId).Distinct().Count());
        var body = seen[0].Json;
        Assert.Equal("origin.test", body.GetProperty("origin").GetString());
        Assert.Equal(harness.Clock.GetUtcNow().ToUnixTimeMilliseconds(), body.GetProperty("origin_server_ts").GetInt64());
        Assert.Equal("m.device_list_update", body.GetProperty("edus")[0].GetProperty("edu_type").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Object, body.GetProperty("edus")[0].GetProperty("content").ValueKind);
        Assert.Empty(await harness.Queue.GetDestinationsWithWorkAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(429)]
    [InlineData(401)]
    public async Task A_failed_transaction_is_sent_again_with_the_same_id_and_body_once_the_back_off_ends(int status)
    {
        await using var harness = await SenderHarness.StartAsync();
        await harness.QueueEventsAsync("!r:origin.test", 3);
        harness.Answer(status);

        var failed = await harness.DeliverAsync();
        Assert.Equal(DeliveryState.RetryLater, failed.State);
        Assert.Equal(harness.Clock.GetUtcNow() + harness.Client.Settings.BackoffMin, failed.RetryAt);

        await harness.QueueEventsAsync("!r:origin.test", 2); // queued meanwhile: not added to the failed one
        Assert.Equal(DeliveryState.RetryLater, (await harness.DeliverAsync()).State);
        Assert.Single(harness.Seen); // nothing sent while backing off

        harness.Clock.Advance(harness.Client.Settings.BackoffMin);
        Assert.Equal(DeliveryState.Idle, (await harness.DeliverAsync()).State);
        var seen = harness.Seen.ToList();
        Assert.Equal(3, seen.Count);
        Assert.Equal(seen[0], seen[1]);
        Assert.Equal(2, seen[2].EventIds.Count);
    }

    [Fact]
    public async Task A_transaction_refused_with_a_4xx_is_dropped_and_the_queue_moves_on()
    {
        await using var harness = await SenderHarness.StartAsync();
        var events = await harness.QueueEventsAsync("!r:origin.test", 60);
        harness.Answer(400);

        Assert.Equal(DeliveryState.Idle, (await harness.DeliverAsync()).State);

        var seen = harness.Seen.ToList();
        Assert.Equal(2, seen.Count);
        Assert.Equal(events.Skip(50), seen[1].EventIds);
        Assert.Null(harness.Client.Backoff.StateOf(harness.Destination));
    }

    [Fact]
    public async Task A_destination_down_for_long_is_sent_only_the_latest_events_and_keeps_its_lasting_edus()
    {
        await using var harness = await SenderHarness.StartAsync();
        await harness.QueueEventsAsync("!a:origin.test", 1);
        harness.Answer(500);
        await harness.DeliverAsync();
        var roomA = await harness.QueueEventsAsync("!a:origin.test", 30);
        var roomB = await harness.QueueEventsAsync("!b:origin.test", 30);
        await harness.QueueEduAsync("m.typing");
        await harness.QueueEduAsync("m.device_list_update");

        // Failing from the first attempt on, for longer than an hour by the time the back-off lets it be tried.
        while (harness.Clock.GetUtcNow() - harness.Client.Backoff.StateOf(harness.Destination)!.FailingSince <
               harness.Options.CatchUpAfter)
        {
            harness.Clock.Advance(harness.Client.Backoff.StateOf(harness.Destination)!.RetryAt - harness.Clock.GetUtcNow());
            harness.Answer(500);
            await harness.DeliverAsync();
        }

        harness.Clock.Advance(harness.Client.Backoff.StateOf(harness.Destination)!.RetryAt - harness.Clock.GetUtcNow());
        var before = harness.Seen.Count;
        Assert.Equal(DeliveryState.Idle, (await harness.DeliverAsync()).State);

        var caughtUp = harness.Seen.Skip(before).ToList();
        var transaction = Assert.Single(caughtUp);
        Assert.Equal([roomA[^1], roomB[^1]], transaction.EventIds.Order(StringComparer.Ordinal));
        Assert.Equal(["m.device_list_update"], transaction.EduTypes);
    }

    [Fact]
    public async Task A_backlog_larger_than_the_limit_is_caught_up_with_each_rooms_latest_event()
    {
        await using var harness = await SenderHarness.StartAsync(FederationSenderOptions.Default with
        {
            CatchUpBacklog = 40,
        });
        var roomA = await harness.QueueEventsAsync("!a:origin.test", 30);
        var roomB = await harness.QueueEventsAsync("!b:origin.test", 30);

        await harness.DeliverAsync();

        var transaction = Assert.Single(harness.Seen);
        Assert.Equal([roomA[^1], roomB[^1]], transaction.EventIds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_destination_leased_by_another_process_is_not_sent_to_until_the_lease_expires()
    {
        await using var harness = await SenderHarness.StartAsync();
        await harness.QueueEventsAsync("!r:origin.test", 1);
        var now = harness.Clock.GetUtcNow();
        Assert.True(await harness.Queue.TryLeaseAsync(harness.Destination, "other", now, now + harness.Options.LeaseDuration,
            CancellationToken.None));

        Assert.Equal(DeliveryState.HeldElsewhere, (await harness.DeliverAsync()).State);
        Assert.Empty(harness.Seen);

        harness.Clock.Advance(harness.Options.LeaseDuration);
        Assert.Equal(DeliveryState.Idle, (await harness.DeliverAsync()).State);
        Assert.Single(harness.Seen);
    }

    [Fact]
    public async Task A_destination_that_comes_back_is_woken_without_waiting_for_its_back_off()
    {
        await using var harness = await SenderHarness.StartAsync();
        await harness.QueueEventsAsync("!r:origin.test", 1);
        harness.Answer(503);
        harness.Sender.Wake(harness.Destination);
        await Eventually.HoldsAsync(() => Task.FromResult(harness.Client.Backoff.StateOf(harness.Destination) is not null),
            "the first attempt failed");
        await harness.QueueEventsAsync("!r:origin.test", 1);

        harness.Client.Backoff.RecordSuccess(harness.Destination); // e.g. it sent us a transaction

        await Eventually.HoldsAsync(async () =>
            (await harness.Queue.GetDestinationsWithWorkAsync(CancellationToken.None)).Count == 0, "the queue drained");
        Assert.Equal(3, harness.Seen.Count);
    }

    [Fact]
    public async Task The_end_of_a_back_off_wakes_the_destination_by_its_timer()
    {
        await using var harness = await SenderHarness.StartAsync();
        await harness.QueueEventsAsync("!r:origin.test", 1);
        harness.Answer(500);
        harness.Sender.Wake(harness.Destination);
        await Eventually.HoldsAsync(() => Task.FromResult(harness.Client.Backoff.StateOf(harness.Destination) is not null),
            "the first attempt failed");

        // Nothing but time passing (no new work, no wake-up) brings the retry. The clock goes to the end of the back-off
        // and then at most a little further (the sender waits at least a second before a retry): never far enough to
        // time out the retry while it is in flight (the client's timeout runs on this clock), which would back off
        // again until the destination is caught up with a new transaction.
        var retryAt = harness.Client.Backoff.StateOf(harness.Destination)!.RetryAt;
        var limit = retryAt + TimeSpan.FromSeconds(2);
        await Eventually.HoldsAsync(async () =>
        {
            var now = harness.Clock.GetUtcNow();
            if (harness.Seen.Count < 2 && now < limit)
            {
                var step = now < retryAt ? retryAt - now : TimeSpan.FromSeconds(1);
                harness.Clock.Advance(step < limit - now ? step : limit - now);
            }

            return (await harness.Queue.GetDestinationsWithWorkAsync(CancellationToken.None)).Count == 0;
        }, "the queue drained");
        var seen = harness.Seen.ToList();
        Assert.True(seen.Count >= 2);
        Assert.All(seen, s => Assert.Equal(seen[0], s));
    }
}
