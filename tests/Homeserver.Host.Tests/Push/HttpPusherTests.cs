using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Push;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Push;

/// <summary>The HTTP pusher against a gateway on loopback; back-off runs on a manual clock of the pushers' own.</summary>
public sealed class HttpPusherTests : IAsyncLifetime
{
    private static readonly TimeSpan Poll = TimeSpan.FromHours(1);
    private readonly FakePushGateway _gateway = new();
    private readonly List<LiveServer> _servers = [];

    public async Task InitializeAsync() => await _gateway.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task Gateway_is_sent_the_event_room_sender_counts_and_device()
    {
        var (server, _) = await StartAsync();
        var (alice, bob, roomId) = await RoomOfTwoAsync(server);
        await bob.SetPusherAsync(PushSteps.HttpPusher(_gateway.NotifyUrl, "bob-key", new JsonObject { ["custom"] = "kept" }));

        var eventId = await alice.SendTextAsync(roomId, "I'm floating in a most peculiar way");
        await server.NotifyAsync(bob.UserId, roomId, eventId);

        var notification = await _gateway.NextAboutAsync(eventId);
        Assert.Equal(roomId, notification.GetProperty("room_id").GetString());
        Assert.Equal("m.room.message", notification.GetProperty("type").GetString());
        Assert.Equal(alice.UserId, notification.GetProperty("sender").GetString());
        Assert.Equal("Major Tom", notification.GetProperty("sender_display_name").GetString());
        Assert.Equal("Mission Control", notification.GetProperty("room_name").GetString());
        Assert.StartsWith("#mission", notification.GetProperty("room_alias").GetString(), StringComparison.Ordinal);
        Assert.Equal("I'm floating in a most peculiar way", notification.GetProperty("content").GetProperty("body").GetString());
        Assert.Equal(3, notification.GetProperty("counts").GetProperty("unread").GetInt32());
        Assert.Equal("high", notification.GetProperty("prio").GetString());
        var device = Assert.Single(notification.GetProperty("devices").EnumerateArray());
        Assert.Equal("org.example.app", device.GetProperty("app_id").GetString());
        Assert.Equal("bob-key", device.GetProperty("pushkey").GetString());
        Assert.True(device.GetProperty("pushkey_ts").GetInt64() > 0);
        Assert.Equal("kept", device.GetProperty("data").GetProperty("custom").GetString());
        Assert.False(device.GetProperty("data").TryGetProperty("url", out _));
        Assert.Equal("default", device.GetProperty("tweaks").GetProperty("sound").GetString());
    }

    [Fact]
    public async Task Event_id_only_pushers_are_sent_no_event_details()
    {
        var (server, _) = await StartAsync();
        var (alice, bob, roomId) = await RoomOfTwoAsync(server);
        await bob.SetPusherAsync(PushSteps.HttpPusher(_gateway.NotifyUrl, "bob-key", new JsonObject { ["format"] = "event_id_only" }));

        var eventId = await alice.SendTextAsync(roomId, "secret");
        await server.NotifyAsync(bob.UserId, roomId, eventId);

        var notification = await _gateway.NextAboutAsync(eventId);
        Assert.Equal(roomId, notification.GetProperty("room_id").GetString());
        foreach (var field in new[] { "content", "type", "sender", "sender_display_name", "room_name" })
        {
            Assert.False(notification.TryGetProperty(field, out _), field);
        }

        var device = Assert.Single(notification.GetProperty("devices").EnumerateArray());
        Assert.Equal("event_id_only", device.GetProperty("data").GetProperty("format").GetString());
    }

    [Fact]
    public async Task Notification_is_retried_with_doubling_back_off_and_delivered_once_the_gateway_is_back()
    {
        var (server, clock) = await StartAsync();
        var (alice, bob, roomId) = await RoomOfTwoAsync(server);
        await bob.SetPusherAsync(PushSteps.HttpPusher(_gateway.NotifyUrl, "bob-key"));
        await _gateway.StopAsync();

        var eventId = await alice.SendTextAsync(roomId, "are you there?");
        await server.NotifyAsync(bob.UserId, roomId, eventId);

        await WaitForTimerAsync(clock, TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromSeconds(1));
        await WaitForTimerAsync(clock, TimeSpan.FromSeconds(2));
        Assert.Equal(2000, (await server.PusherFailureAsync("bob-key"))!.Value.BackoffMs);

        await _gateway.StartAsync();
        clock.Advance(TimeSpan.FromSeconds(2));

        var notification = await _gateway.NextAboutAsync(eventId);
        Assert.Equal(roomId, notification.GetProperty("room_id").GetString());
        await Eventually.HoldsAsync(async () => (await server.PusherFailureAsync("bob-key"))?.FailingSince is null,
            "the pusher's failure is cleared");
    }

    [Fact]
    public async Task Delivery_resumes_after_a_restart_from_the_stored_back_off()
    {
        var (first, clock) = await StartAsync();
        var (alice, bob, roomId) = await RoomOfTwoAsync(first);
        await bob.SetPusherAsync(PushSteps.HttpPusher(_gateway.NotifyUrl, "bob-key"));
        await _gateway.StopAsync();
        var eventId = await alice.SendTextAsync(roomId, "still there?");
        await first.NotifyAsync(bob.UserId, roomId, eventId);
        await WaitForTimerAsync(clock, TimeSpan.FromSeconds(1));
        _servers.Remove(first);
        await first.DisposeAsync();

        await _gateway.StartAsync();
        var (second, secondClock) = await StartAsync(first.ConnectionString);
        await WaitForTimerAsync(secondClock, TimeSpan.FromSeconds(1));
        Assert.False(_gateway.HasUnread, "nothing is sent before the stored back-off ends");
        secondClock.Advance(TimeSpan.FromSeconds(1));

        await _gateway.NextAboutAsync(eventId);
        await Eventually.HoldsAsync(async () => (await second.PusherFailureAsync("bob-key"))?.FailingSince is null,
            "the pusher's failure is cleared");
    }

    [Fact]
    public async Task Pusher_whose_pushkey_the_gateway_rejects_is_removed()
    {
        var (server, _) = await StartAsync();
        var (alice, bob, roomId) = await RoomOfTwoAsync(server);
        await bob.SetPusherAsync(PushSteps.HttpPusher(_gateway.NotifyUrl, "expired-key"));
        _gateway.Answer = _ => (200, new JsonObject { ["rejected"] = new JsonArray("expired-key") });

        var eventId = await alice.SendTextAsync(roomId, "hello?");
        await server.NotifyAsync(bob.UserId, roomId, eventId);

        await _gateway.NextAboutAsync(eventId);
        await Eventually.HoldsAsync(async () => (await bob.PushersAsync()).Count == 0, "the rejected pusher is gone");
    }

    [Fact]
    public async Task Notification_refused_with_4xx_is_dropped_and_the_next_one_delivered_without_back_off()
    {
        var (server, _) = await StartAsync();
        var (alice, bob, roomId) = await RoomOfTwoAsync(server);
        await bob.SetPusherAsync(PushSteps.HttpPusher(_gateway.NotifyUrl, "bob-key"));
        _gateway.Answer = body => body.GetProperty("notification").GetProperty("content").GetProperty("body").GetString() == "first"
            ? (400, new JsonObject { ["error"] = "bad" })
            : (200, new JsonObject { ["rejected"] = new JsonArray() });
        var refused = await alice.SendTextAsync(roomId, "first");
        var accepted = await alice.SendTextAsync(roomId, "second");

        await server.NotifyAsync(bob.UserId, roomId, refused);
        await server.NotifyAsync(bob.UserId, roomId, accepted);

        await _gateway.NextAboutAsync(refused);
        await _gateway.NextAboutAsync(accepted);
        Assert.Single(await bob.PushersAsync());
    }

    private async Task<(LiveServer Server, ManualClock Clock)> StartAsync(string? connectionString = null)
    {
        var clock = new ManualClock();
        var server = await LiveServer.StartAsync(connectionString, services: services =>
        {
            services.AddSingleton(new PusherTiming(clock) { PollInterval = Poll });
            services.AddSingleton<IUnreadCountReader>(new FixedUnreadCounts(3));
        });
        _servers.Add(server);
        return (server, clock);
    }

    /// <summary>Until the pushers' loop waits <paramref name="delay"/> (its back-off), skipping its other waits.</summary>
    private static async Task WaitForTimerAsync(ManualClock clock, TimeSpan delay)
    {
        while (await clock.NextTimerAsync() != delay)
        {
        }
    }

    private static async Task<(TestSession Alice, TestSession Bob, string RoomId)> RoomOfTwoAsync(LiveServer server)
    {
        var alice = await server.RegisterAsync();
        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/profile/{RoomSteps.Escape(alice.UserId)}/displayname",
            new JsonObject { ["displayname"] = "Major Tom" }));
        var roomId = await alice.CreateRoomAsync(new JsonObject
        {
            ["preset"] = "public_chat",
            ["name"] = "Mission Control",
            ["room_alias_name"] = LiveServer.UniqueUsername("mission"),
        });
        var bob = await server.RegisterAsync();
        await bob.JoinAsync(roomId);
        return (alice, bob, roomId);
    }
}
