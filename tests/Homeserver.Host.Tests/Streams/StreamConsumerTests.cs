using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Push;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Push;
using Homeserver.Services.Streams;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Homeserver.Host.Tests.Streams;

/// <summary>Durable event stream consumers: cursor, restart, retry, several processes.</summary>
public sealed class StreamConsumerTests
{
    private static readonly TimeSpan NoPoll = TimeSpan.FromHours(1);

    [Fact]
    public async Task Consumer_is_handed_every_event_once_in_stream_order()
    {
        var consumer = new RecordingConsumer();
        await using var server = await LiveServer.StartAsync(services: s => AddConsumer(s, consumer));
        var alice = await server.RegisterAsync();
        var room = await alice.CreateRoomAsync();

        var sent = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            sent.Add(await alice.SendTextAsync(room, $"message {i}"));
        }

        var handed = new List<StreamEvent>();
        for (var i = 0; i < 5; i++)
        {
            handed.Add(await consumer.NextAsync());
        }

        Assert.Equal(sent, handed.Select(e => e.Pdu.EventId));
        Assert.Equal(handed.Select(e => e.Position).Order(), handed.Select(e => e.Position));
        Assert.False(consumer.HasMore);
    }

    [Fact]
    public async Task Consumer_goes_on_from_its_cursor_after_a_restart()
    {
        var first = new RecordingConsumer();
        var a = await LiveServer.StartAsync(services: s => AddConsumer(s, first));
        var alice = await a.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        var before = await alice.SendTextAsync(room, "before the restart");
        Assert.Equal(before, (await first.NextAsync()).Pdu.EventId);
        await a.DisposeAsync();

        string during;
        await using (var withoutConsumer = await LiveServer.StartAsync(a.ConnectionString))
        {
            var bob = await withoutConsumer.RegisterAsync();
            during = await bob.SendTextAsync(await bob.CreateRoomAsync(), "while the consumer was down");
        }

        var second = new RecordingConsumer();
        await using var c = await LiveServer.StartAsync(a.ConnectionString, services: s => AddConsumer(s, second));
        Assert.Equal(during, (await second.NextAsync()).Pdu.EventId);
        Assert.False(second.HasMore);
    }

    [Fact]
    public async Task A_failed_batch_is_handed_again_after_the_back_off_and_then_passed()
    {
        var clock = new ManualClock();
        var consumer = new RecordingConsumer { FailNext = 1 };
        await using var server = await LiveServer.StartAsync(services: s => AddConsumer(s, consumer, clock));
        var alice = await server.RegisterAsync();
        var room = await alice.CreateRoomAsync();

        var failing = await alice.SendTextAsync(room, "fails once");
        Assert.Equal(failing, (await consumer.NextAsync()).Pdu.EventId);
        while (await clock.NextTimerAsync() != TimeSpan.FromSeconds(1))
        {
        }

        Assert.False(consumer.HasMore);
        var meanwhile = await alice.SendTextAsync(room, "sent during the back-off");
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(failing, (await consumer.NextAsync()).Pdu.EventId);
        Assert.Equal(meanwhile, (await consumer.NextAsync()).Pdu.EventId);
        var after = await alice.SendTextAsync(room, "after");
        Assert.Equal(after, (await consumer.NextAsync()).Pdu.EventId);
    }

    [Fact]
    public async Task Events_written_by_another_process_wake_the_consumer_before_its_poll()
    {
        await using var redis = await TestRedis.StartAsync();
        var settings = new Dictionary<string, string?> { ["Redis:Configuration"] = redis.Configuration };
        var consumer = new RecordingConsumer();
        await using var a = await LiveServer.StartAsync(settings: settings,
            services: s => AddConsumer(s, consumer, new ManualClock()));
        await using var b = await LiveServer.StartAsync(a.ConnectionString, settings);
        var alice = await b.RegisterAsync();

        var sent = await alice.SendTextAsync(await alice.CreateRoomAsync(), "written by B");

        Assert.Equal(sent, (await consumer.NextAsync()).Pdu.EventId);
    }

    [Fact]
    public async Task A_cursor_is_held_by_one_caller_at_a_time()
    {
        await using var server = await LiveServer.StartAsync();
        var cursors = server.Instance.App.Services.GetRequiredService<IStreamCursorStore>();

        var first = await cursors.TryHoldAsync("held", CancellationToken.None);
        Assert.NotNull(first);
        Assert.Null(await cursors.TryHoldAsync("held", CancellationToken.None));
        var another = await cursors.TryHoldAsync("another", CancellationToken.None);
        Assert.NotNull(another);
        await another.DisposeAsync();
        await first.AdvanceAsync(first.Position + 7, CancellationToken.None);
        await first.DisposeAsync();

        await using var second = await cursors.TryHoldAsync("held", CancellationToken.None);
        Assert.NotNull(second);
        Assert.Equal(first.Position, second.Position);
    }

    [Fact]
    public async Task A_pusher_is_woken_at_once_by_an_event_another_process_committed()
    {
        await using var gateway = new FakePushGateway();
        await gateway.StartAsync();
        await using var redis = await TestRedis.StartAsync();
        var settings = new Dictionary<string, string?> { ["Redis:Configuration"] = redis.Configuration };
        await using var a = await LiveServer.StartAsync(settings: settings, services: s =>
            s.AddSingleton(new PusherTiming(new ManualClock()) { PollInterval = NoPoll }));
        await using var b = await LiveServer.StartAsync(a.ConnectionString, settings, services: WithoutPusherDispatcher);
        var alice = await b.RegisterAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var bob = await a.RegisterAsync();
        await bob.JoinAsync(room);
        await bob.SetPusherAsync(PushSteps.HttpPusher(gateway.NotifyUrl, "bob-key"));

        var sent = await alice.SendTextAsync(room, "pushed by A, written by B");

        await gateway.NextAboutAsync(sent);
    }

    private static void AddConsumer(IServiceCollection services, RecordingConsumer consumer, ManualClock? clock = null)
    {
        services.AddSingleton<IEventStreamConsumer>(consumer);
        if (clock is not null)
        {
            services.AddSingleton(new StreamConsumerTiming(clock) { PollInterval = NoPoll });
        }
    }

    private static void WithoutPusherDispatcher(IServiceCollection services)
    {
        var dispatcher = services.Single(d => d.ServiceType == typeof(IHostedService) &&
                                             d.ImplementationType == typeof(Hosting.PusherDispatcher));
        services.Remove(dispatcher);
    }
}
