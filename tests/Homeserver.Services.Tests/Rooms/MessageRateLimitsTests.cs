using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Admin;
using Homeserver.Services.Configuration;
using Homeserver.Services.Rooms;
using Homeserver.Services.Tests.Accounts;
using Homeserver.Services.Tests.AppServices;

namespace Homeserver.Services.Tests.Rooms;

/// <summary>The per-user message limit (Synapse's rc_message) and how an admin's override changes it.</summary>
public sealed class MessageRateLimitsTests
{
    private static readonly UserId Alice = UserId.Parse("@alice:hs.test");
    private readonly ManualClock _clock = new();
    private readonly FakeOverrideStore _store = new();

    [Fact]
    public async Task The_eleventh_quick_message_is_refused_for_five_seconds_by_default()
    {
        var limits = Limits();

        for (var i = 0; i < 10; i++)
        {
            Assert.True(await limits.AcquireAsync(User(Alice), CancellationToken.None));
        }

        var refused = await Assert.ThrowsAsync<MatrixException>(async () =>
            await limits.AcquireAsync(User(Alice), CancellationToken.None));
        Assert.Equal(ErrorCode.LimitExceeded, refused.Code);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.RetryAfter);

        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await limits.AcquireAsync(User(Alice), CancellationToken.None));
        await Assert.ThrowsAsync<MatrixException>(async () => await limits.AcquireAsync(User(Alice), CancellationToken.None));
    }

    [Fact]
    public async Task Server_admins_are_limited_like_anyone_as_in_synapse()
    {
        var limits = Limits(new RateLimit(1, 1));
        var admin = new Requester(Alice, "D", false, true, 1);

        await limits.AcquireAsync(admin, CancellationToken.None);

        await Assert.ThrowsAsync<MatrixException>(async () => await limits.AcquireAsync(admin, CancellationToken.None));
    }

    [Fact]
    public async Task An_override_with_a_rate_of_zero_lifts_the_limit_whatever_its_burst()
    {
        var limits = Limits(new RateLimit(1, 1));
        _store.Values[Alice.Value] = new RateLimitOverride(0, 5);

        for (var i = 0; i < 50; i++)
        {
            Assert.False(await limits.AcquireAsync(User(Alice), CancellationToken.None));
        }

        Assert.Equal(0, limits.Count);
    }

    [Fact]
    public async Task An_override_replaces_rate_and_burst()
    {
        var limits = Limits();
        _store.Values[Alice.Value] = new RateLimitOverride(1, 2);

        await limits.AcquireAsync(User(Alice), CancellationToken.None);
        await limits.AcquireAsync(User(Alice), CancellationToken.None);
        var refused = await Assert.ThrowsAsync<MatrixException>(async () =>
            await limits.AcquireAsync(User(Alice), CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await limits.AcquireAsync(User(Alice), CancellationToken.None);
    }

    [Fact]
    public async Task An_override_with_a_burst_of_zero_refuses_every_message_like_synapse()
    {
        var limits = Limits();
        _store.Values[Alice.Value] = new RateLimitOverride(1, 0);

        var refused = await Assert.ThrowsAsync<MatrixException>(async () =>
            await limits.AcquireAsync(User(Alice), CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
    }

    [Fact]
    public async Task Appservice_senders_and_users_of_unlimited_registrations_are_exempt_but_others_are_not()
    {
        var limits = Limits(new RateLimit(1, 1));
        var bridge = AppServiceTestRegistrations.Bridge;
        var irc = AppServiceTestRegistrations.Irc;
        var ghost = new Requester(UserId.Parse("@_bridge_ghost:hs.test"), null, false, false, null) { AppService = bridge };
        var ircUser = new Requester(UserId.Parse("@irc_nick:hs.test"), null, false, false, null) { AppService = irc };
        var bridgeBot = new Requester(bridge.Sender, null, false, false, null) { AppService = bridge };

        for (var i = 0; i < 5; i++)
        {
            Assert.False(await limits.AcquireAsync(ircUser, CancellationToken.None));
            Assert.False(await limits.AcquireAsync(bridgeBot, CancellationToken.None));
        }

        await limits.AcquireAsync(ghost, CancellationToken.None);
        await Assert.ThrowsAsync<MatrixException>(async () => await limits.AcquireAsync(ghost, CancellationToken.None));
    }

    [Fact]
    public async Task Nothing_is_limited_with_rate_limits_off()
    {
        var limits = new MessageRateLimits(Settings(new RateLimit(1, 1), enabled: false),
            new RateLimitOverrides(_store, _clock), _clock);

        for (var i = 0; i < 20; i++)
        {
            Assert.False(await limits.AcquireAsync(User(Alice), CancellationToken.None));
        }
    }

    [Fact]
    public async Task A_released_token_is_back_for_the_next_send()
    {
        var limits = Limits(new RateLimit(0.01, 1));
        await limits.AcquireAsync(User(Alice), CancellationToken.None);

        limits.Release(User(Alice));

        await limits.AcquireAsync(User(Alice), CancellationToken.None);
        await Assert.ThrowsAsync<MatrixException>(async () => await limits.AcquireAsync(User(Alice), CancellationToken.None));
    }

    [Fact]
    public async Task Buckets_are_bounded_and_idle_ones_go_first()
    {
        var limits = new MessageRateLimits(Settings(new RateLimit(1, 2)), new RateLimitOverrides(_store, _clock), _clock,
            capacity: 100);
        for (var i = 0; i < 100; i++)
        {
            await limits.AcquireAsync(User(UserId.Parse($"@u{i}:hs.test")), CancellationToken.None);
        }

        _clock.Advance(TimeSpan.FromSeconds(1));
        await limits.AcquireAsync(User(Alice), CancellationToken.None);

        Assert.Equal(1, limits.Count);
    }

    private MessageRateLimits Limits(RateLimit? message = null) =>
        new(Settings(message ?? new RateLimit(0.2, 10)), new RateLimitOverrides(_store, _clock), _clock);

    private static RateLimitSettings Settings(RateLimit message, bool enabled = true) =>
        new(enabled, new RateLimit(1, 1), new RateLimit(1, 1)) { Message = message };

    private static Requester User(UserId userId) => new(userId, "DEVICE", false, false, 1);
}
