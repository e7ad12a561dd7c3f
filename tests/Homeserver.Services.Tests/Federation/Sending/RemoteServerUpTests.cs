using System.Collections.Concurrent;
using System.Text;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Federation.Sending;
using Homeserver.Services.Shared;
using Homeserver.Storage.Redis;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Services.Tests.Federation.Sending;

public sealed class RemoteServerUpTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_destination_heard_from_while_backing_off_gets_its_queue_at_once()
    {
        await using var harness = await SenderHarness.StartAsync();
        await FailOnceAsync(harness);
        var serverUp = new RemoteServerUp(harness.Client.Backoff, new InProcessSharedStore(), harness.Clock);

        await serverUp.SeenAsync(harness.Destination, None); // the clock never reaches the back-off's end

        await Eventually.HoldsAsync(async () =>
            (await harness.Queue.GetDestinationsWithWorkAsync(None)).Count == 0, "the queue drained");
        Assert.Equal(2, harness.Seen.Count);
    }

    [Fact]
    public async Task A_destination_heard_from_by_another_process_gets_its_queue_from_this_one()
    {
        await using var redis = await TestRedis.StartAsync();
        using var here = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        using var elsewhere = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        await using var harness = await SenderHarness.StartAsync();
        var upHere = new RemoteServerUp(harness.Client.Backoff, here, harness.Clock);
        await using var subscription = await here.SubscribeAsync(RemoteServerUp.Channel, upHere.OnUpMessage, None);
        await FailOnceAsync(harness);
        var otherBackoff = new DestinationBackoff(TimeSpan.FromMinutes(10), TimeSpan.FromDays(1), harness.Clock,
            new Random(1));
        var upElsewhere = new RemoteServerUp(otherBackoff, elsewhere, harness.Clock);

        await upElsewhere.SeenAsync(harness.Destination, None);

        await Eventually.HoldsAsync(async () =>
            (await harness.Queue.GetDestinationsWithWorkAsync(None)).Count == 0, "the queue drained");
        Assert.Equal(2, harness.Seen.Count);
    }

    [Fact]
    public async Task A_busy_server_is_announced_to_the_other_processes_at_most_once_per_interval()
    {
        await using var redis = await TestRedis.StartAsync();
        using var publisher = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        using var listener = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        var heard = new ConcurrentQueue<string>();
        await using var subscription = await listener.SubscribeAsync(RemoteServerUp.Channel,
            message => heard.Enqueue(Encoding.UTF8.GetString(message.Span)), None);
        var clock = new ManualClock();
        var serverUp = new RemoteServerUp(new DestinationBackoff(TimeSpan.FromMinutes(10), TimeSpan.FromDays(1), clock,
            new Random(1)), publisher, clock);
        var origin = Core.Identifiers.ServerName.Parse("busy.test");

        for (var i = 0; i < 3; i++)
        {
            await serverUp.SeenAsync(origin, None);
        }

        clock.Advance(RemoteServerUp.PublishInterval);
        await serverUp.SeenAsync(origin, None);

        await Eventually.HoldsAsync(() => Task.FromResult(heard.Count >= 2), "the second announcement");
        Assert.Equal(["busy.test", "busy.test"], heard); // one pub/sub connection keeps the order: none in between
    }

    /// <summary>One queued event whose first delivery fails: the destination is then backing off for ten minutes.</summary>
    private static async Task FailOnceAsync(SenderHarness harness)
    {
        await harness.QueueEventsAsync("!r:origin.test", 1);
        harness.Answer(503);
        harness.Sender.Wake(harness.Destination);
        await Eventually.HoldsAsync(() => Task.FromResult(harness.Client.Backoff.StateOf(harness.Destination) is not null),
            "the first attempt failed");
    }
}
