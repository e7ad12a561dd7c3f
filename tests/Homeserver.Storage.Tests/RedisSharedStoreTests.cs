using System.Collections.Concurrent;
using System.Text;
using Homeserver.Storage.Redis;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Homeserver.Storage.Tests;

public sealed class RedisSharedStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Values_set_by_one_process_are_read_by_another()
    {
        await using var redis = await TestRedis.StartAsync();
        using var a = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        using var b = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);

        await a.SetAsync("k", "v"u8.ToArray(), null, None);

        Assert.Equal("v"u8.ToArray(), await b.GetAsync("k", None));
        await b.DeleteAsync("k", None);
        Assert.Null(await a.GetAsync("k", None));
    }

    [Fact]
    public async Task Published_messages_reach_subscribers_in_other_connections()
    {
        await using var redis = await TestRedis.StartAsync();
        using var a = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        using var b = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        var received = new ConcurrentQueue<string>();
        await using var subscription = await b.SubscribeAsync("wake", m => received.Enqueue(Encoding.UTF8.GetString(m.Span)), None);

        await a.PublishAsync("wake", "42"u8.ToArray(), None);

        await Eventually.HoldsAsync(() => Task.FromResult(received.Contains("42")), "the message arrives");
    }

    [Fact]
    public async Task During_an_outage_calls_return_at_once_without_throwing()
    {
        await using var redis = await TestRedis.StartAsync();
        using var store = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        await store.SetAsync("k", "v"u8.ToArray(), null, None);

        await redis.StopAsync();
        await Eventually.HoldsAsync(() => Task.FromResult(!store.IsAvailable), "the outage is noticed");
        var started = DateTime.UtcNow;

        Assert.Null(await store.GetAsync("k", None));
        await store.SetAsync("k", "w"u8.ToArray(), null, None);
        await store.DeleteAsync("k", None);
        await store.PublishAsync("c", "m"u8.ToArray(), None);
        await using var subscription = await store.SubscribeAsync("c", _ => { }, None);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task After_recovery_subscriptions_made_before_and_during_the_outage_receive_again()
    {
        await using var redis = await TestRedis.StartAsync();
        using var writer = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        using var listener = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        var received = new ConcurrentQueue<string>();
        await using var early = await listener.SubscribeAsync("wake", m => received.Enqueue("early:" + Encoding.UTF8.GetString(m.Span)), None);

        await redis.StopAsync();
        await Eventually.HoldsAsync(() => Task.FromResult(!writer.IsAvailable && !listener.IsAvailable), "both notice the outage");
        await using var late = await listener.SubscribeAsync("wake", m => received.Enqueue("late:" + Encoding.UTF8.GetString(m.Span)), None);
        await redis.StartAgainAsync();
        await Eventually.HoldsAsync(() => Task.FromResult(writer.IsAvailable && listener.IsAvailable), "both reconnect",
            TimeSpan.FromSeconds(30));

        // IsAvailable flips on the first reconnect event; the other connection of a multiplexer (and a write dropped
        // while it lagged) may follow a moment later, so the write is repeated until the other store reads it.
        await Eventually.HoldsAsync(async () =>
        {
            await listener.SetAsync("fresh", "1"u8.ToArray(), null, None);
            return (await writer.GetAsync("fresh", None))?.SequenceEqual("1"u8.ToArray()) == true;
        }, "a write after recovery is read by the other store", TimeSpan.FromSeconds(30));
        await Eventually.HoldsAsync(async () =>
        {
            await writer.PublishAsync("wake", "after"u8.ToArray(), None);
            await Task.Delay(100);
            return received.Contains("early:after") && received.Contains("late:after");
        }, "both subscriptions receive after recovery", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task An_invalidation_dropped_during_an_outage_clears_our_keys_on_recovery()
    {
        // Redis comes back with its data (persistence on), so the entry the dropped delete was meant
        // to remove would otherwise be served stale.
        await using var redis = await TestRedis.StartAsync(persistent: true);
        using var store = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        await store.SetAsync("room-state", "old"u8.ToArray(), null, None);
        await store.SetAsync("other", "x"u8.ToArray(), null, None);

        await redis.StopAsync();
        await Eventually.HoldsAsync(() => Task.FromResult(!store.IsAvailable), "the outage is noticed");
        await store.DeleteAsync("room-state", None);
        await redis.StartAgainAsync();
        await Eventually.HoldsAsync(() => Task.FromResult(store.IsAvailable), "reconnect", TimeSpan.FromSeconds(30));

        // The keys are cleared once the reconnection is handled, which may finish after IsAvailable turns true.
        await Eventually.HoldsAsync(async () => await store.GetAsync("room-state", None) is null &&
                                                await store.GetAsync("other", None) is null,
            "every key of ours is cleared", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Without_dropped_writes_recovery_keeps_the_cache()
    {
        await using var redis = await TestRedis.StartAsync(persistent: true);
        using var store = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        await store.SetAsync("kept", "v"u8.ToArray(), null, None);

        await redis.StopAsync();
        await Eventually.HoldsAsync(() => Task.FromResult(!store.IsAvailable), "the outage is noticed");
        await redis.StartAgainAsync();
        await Eventually.HoldsAsync(() => Task.FromResult(store.IsAvailable), "reconnect", TimeSpan.FromSeconds(30));

        // IsAvailable can flip before every connection is back (a read then misses): wait for the value, which a
        // recovery that cleared the cache would never give back.
        await Eventually.HoldsAsync(async () => (await store.GetAsync("kept", None))?.SequenceEqual("v"u8.ToArray()) == true,
            "the value written before the outage is read back", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Duplicate_deliveries_do_not_happen_after_recovery()
    {
        await using var redis = await TestRedis.StartAsync();
        using var store = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var subscription = await store.SubscribeAsync("once",
            message => received.Enqueue(System.Text.Encoding.UTF8.GetString(message.Span)), None);
        await redis.StopAsync();
        await Eventually.HoldsAsync(() => Task.FromResult(!store.IsAvailable), "the outage is noticed");
        await redis.StartAgainAsync();
        await Eventually.HoldsAsync(() => Task.FromResult(store.IsAvailable), "reconnect", TimeSpan.FromSeconds(30));
        await Eventually.HoldsAsync(async () =>
        {
            await store.PublishAsync("once", "probe"u8.ToArray(), None);
            return !received.IsEmpty;
        }, "the subscription works again", TimeSpan.FromSeconds(30));

        // Probes still in flight may arrive late; what counts is how often one message arrives. Messages of one
        // publisher arrive in order, so once "end" is here, "once" has arrived as often as it ever will.
        await store.PublishAsync("once", "once"u8.ToArray(), None);
        await store.PublishAsync("once", "end"u8.ToArray(), None);
        await Eventually.HoldsAsync(() => Task.FromResult(received.Contains("end")), "the last message", TimeSpan.FromSeconds(30));

        Assert.Single(received, m => m == "once");
    }

    [Fact]
    public async Task A_store_started_while_redis_is_down_connects_once_it_comes_up()
    {
        await using var redis = await TestRedis.StartAsync();
        await redis.StopAsync();
        using var store = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        Assert.False(store.IsAvailable);
        var received = new ConcurrentQueue<string>();
        await using var subscription = await store.SubscribeAsync("wake", m => received.Enqueue(Encoding.UTF8.GetString(m.Span)), None);

        await redis.StartAgainAsync();

        await Eventually.HoldsAsync(async () =>
        {
            await store.SetAsync("k", "v"u8.ToArray(), null, None);
            return (await store.GetAsync("k", None))?.SequenceEqual("v"u8.ToArray()) == true;
        }, "the cache works once Redis is up", TimeSpan.FromSeconds(30));
        await Eventually.HoldsAsync(async () =>
        {
            await store.PublishAsync("wake", "up"u8.ToArray(), None);
            await Task.Delay(100);
            return received.Contains("up");
        }, "the subscription made before Redis came up receives", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Channel_names_are_literal_so_a_star_in_one_matches_no_other_channel()
    {
        await using var redis = await TestRedis.StartAsync();
        using var store = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        var received = new ConcurrentQueue<string>();
        await using var subscription = await store.SubscribeAsync("media*", m => received.Enqueue(Encoding.UTF8.GetString(m.Span)), None);

        await store.PublishAsync("media1", "other channel"u8.ToArray(), None);
        await store.PublishAsync("media*", "this channel"u8.ToArray(), None);

        // Both go over one connection in order: once the second is in, the first would have been too.
        await Eventually.HoldsAsync(() => Task.FromResult(received.Contains("this channel")), "the message arrives");
        Assert.Equal(["this channel"], received);
    }

    [Fact]
    public async Task An_expiry_is_set_on_the_key_and_a_write_without_one_removes_it()
    {
        await using var redis = await TestRedis.StartAsync();
        using var store = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        await using var direct = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);

        await store.SetAsync("k", "v"u8.ToArray(), TimeSpan.FromHours(1), None);
        var ttl = await direct.GetDatabase().KeyTimeToLiveAsync("hs:k");
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));

        await store.SetAsync("k", "w"u8.ToArray(), null, None);
        Assert.Null(await direct.GetDatabase().KeyTimeToLiveAsync("hs:k"));
        Assert.Equal("w"u8.ToArray(), await store.GetAsync("k", None));
    }
}
