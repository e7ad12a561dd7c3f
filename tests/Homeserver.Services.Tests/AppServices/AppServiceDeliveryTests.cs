using Homeserver.Services.AppServices.Push;

namespace Homeserver.Services.Tests.AppServices;

/// <summary>The durable transaction queue to an appservice: order, retries, back-off, restarts, one sender.</summary>
public sealed class AppServiceDeliveryTests
{
    [Fact]
    public async Task A_transaction_carries_the_queued_events_in_order_with_the_hs_token()
    {
        await using var harness = await AppServicePushHarness.StartAsync();
        var ids = await harness.QueueEventsAsync(3);

        Assert.Equal(AppServiceDeliveryState.Idle, (await harness.DeliverAsync()).State);

        var transaction = Assert.Single(harness.Fake.Transactions);
        Assert.Equal("/_matrix/app/v1/transactions/1", transaction.Path);
        Assert.Equal("Bearer hs_bridge", transaction.Authorization);
        Assert.Equal(ids, AppServicePushHarness.EventIdsOf(transaction));
    }

    [Fact]
    public async Task A_failed_transaction_is_retried_with_the_same_txn_id_and_body_after_its_backoff()
    {
        await using var harness = await AppServicePushHarness.StartAsync();
        await harness.QueueEventsAsync(2);
        harness.Fake.AnswerNext(500);

        var failed = await harness.DeliverAsync();
        Assert.Equal(AppServiceDeliveryState.RetryLater, failed.State);
        Assert.Equal(harness.Clock.GetUtcNow() + harness.Options.InitialBackoff, failed.RetryAt);
        await harness.QueueEventsAsync(1); // queued meanwhile: waits for the next transaction

        Assert.Equal(AppServiceDeliveryState.RetryLater, (await harness.DeliverAsync()).State);
        Assert.Single(harness.Fake.Transactions); // nothing is sent before the back-off ends

        harness.Clock.Advance(harness.Options.InitialBackoff);
        Assert.Equal(AppServiceDeliveryState.Idle, (await harness.DeliverAsync()).State);

        var seen = harness.Fake.Transactions;
        Assert.Equal(3, seen.Count);
        Assert.Equal(seen[0].Path, seen[1].Path);
        Assert.Equal(seen[0].Body, seen[1].Body);
        Assert.Equal("/_matrix/app/v1/transactions/2", seen[2].Path);
        Assert.Equal(["$e3"], AppServicePushHarness.EventIdsOf(seen[2]));
    }

    [Fact]
    public async Task The_backoff_doubles_up_to_its_ceiling_and_ends_with_a_success()
    {
        await using var harness = await AppServicePushHarness.StartAsync(options: o => o with
        {
            InitialBackoff = TimeSpan.FromSeconds(2), MaxBackoff = TimeSpan.FromSeconds(10),
        });
        await harness.QueueEventsAsync(1);
        harness.Fake.AnswerNext(500, 502, 503, 500, 500);

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            var outcome = await harness.DeliverAsync();
            waits.Add(outcome.RetryAt - harness.Clock.GetUtcNow());
            harness.Clock.Advance(outcome.RetryAt - harness.Clock.GetUtcNow());
        }

        Assert.Equal([2, 4, 8, 10, 10], waits.Select(w => (int)w.TotalSeconds));
        Assert.Equal(AppServiceDeliveryState.Idle, (await harness.DeliverAsync()).State);
        await harness.QueueEventsAsync(1);
        harness.Fake.AnswerNext(500);
        var afterSuccess = await harness.DeliverAsync();
        Assert.Equal(TimeSpan.FromSeconds(2), afterSuccess.RetryAt - harness.Clock.GetUtcNow());
    }

    [Fact]
    public async Task A_new_sender_over_the_same_database_resumes_the_transaction_in_flight_without_loss_or_duplicate()
    {
        await using var harness = await AppServicePushHarness.StartAsync();
        var first = await harness.QueueEventsAsync(2);
        harness.Fake.AnswerNext(500);
        Assert.Equal(AppServiceDeliveryState.RetryLater, (await harness.DeliverAsync()).State);
        var second = await harness.QueueEventsAsync(1);

        await harness.RestartAsync();
        Assert.Equal(AppServiceDeliveryState.RetryLater, (await harness.DeliverAsync()).State); // the back-off was kept
        harness.Clock.Advance(harness.Options.InitialBackoff);
        Assert.Equal(AppServiceDeliveryState.Idle, (await harness.DeliverAsync()).State);

        var seen = harness.Fake.Transactions;
        Assert.Equal(3, seen.Count);
        Assert.Equal((seen[0].Path, seen[0].Body), (seen[1].Path, seen[1].Body));
        Assert.Equal(first.Concat(second), seen.Skip(1).SelectMany(AppServicePushHarness.EventIdsOf));
    }

    [Fact]
    public async Task Events_queued_again_after_being_sent_are_not_sent_twice()
    {
        await using var harness = await AppServicePushHarness.StartAsync();
        var events = new[] { 5L, 6L }.Select(p => new QueuedAppServiceEvent("bridge", p,
            $$"""{"event_id":"$e{{p}}","room_id":"!r:test.local"}""")).ToList();
        await harness.Queue.EnqueueEventsAsync(events, CancellationToken.None);
        await harness.DeliverAsync();

        // The stream hands a batch again (at least once): the events were sent already.
        await harness.Queue.EnqueueEventsAsync(events, CancellationToken.None);
        await harness.Queue.EnqueueEventsAsync(events, CancellationToken.None);
        await harness.DeliverAsync();

        Assert.Equal(["$e5", "$e6"], AppServicePushHarness.EventIdsOf(Assert.Single(harness.Fake.Transactions)));
    }

    [Fact]
    public async Task A_transaction_holds_at_most_the_limit_of_events_and_the_rest_follow_in_order()
    {
        await using var harness = await AppServicePushHarness.StartAsync(options: o => o with { MaxEventsPerTransaction = 2 });
        var ids = await harness.QueueEventsAsync(5);

        await harness.DeliverAsync();

        Assert.Equal([2, 2, 1], harness.Fake.Transactions.Select(t => AppServicePushHarness.EventIdsOf(t).Count));
        Assert.Equal(ids, harness.Fake.Transactions.SelectMany(AppServicePushHarness.EventIdsOf));
    }

    [Fact]
    public async Task Only_one_process_sends_to_an_appservice_at_a_time()
    {
        await using var harness = await AppServicePushHarness.StartAsync();
        await harness.QueueEventsAsync(1);

        await using (await harness.Queue.TryHoldAsync("bridge", CancellationToken.None))
        {
            Assert.Equal(AppServiceDeliveryState.HeldElsewhere, (await harness.DeliverAsync()).State);
            Assert.Empty(harness.Fake.Requests);
        }

        Assert.Equal(AppServiceDeliveryState.Idle, (await harness.DeliverAsync()).State);
        Assert.Single(harness.Fake.Transactions);
    }

    [Fact]
    public async Task An_appservice_without_url_gets_no_traffic()
    {
        await using var harness = await AppServicePushHarness.StartAsync(withUrl: false);
        await harness.QueueEventsAsync(1);

        Assert.Equal(AppServiceDeliveryState.Idle, (await harness.DeliverAsync()).State);

        Assert.Empty(harness.Fake.Requests);
    }
}
