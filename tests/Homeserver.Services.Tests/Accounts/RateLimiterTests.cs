using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Tests.Accounts;

public sealed class RateLimiterTests
{
    private readonly ManualClock _clock = new();

    [Fact]
    public void A_burst_is_allowed_then_one_token_per_interval()
    {
        var limiter = new RateLimiter(new RateLimit(0.5, 3), true, _clock);

        Assert.All(Enumerable.Range(0, 3), i => Assert.True(limiter.TryAcquire("a", out _)));
        Assert.False(limiter.TryAcquire("a", out var wait));
        Assert.Equal(TimeSpan.FromSeconds(2), wait);

        _clock.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(limiter.TryAcquire("a", out wait));
        Assert.Equal(0.1, wait.TotalSeconds, 3);
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(limiter.TryAcquire("a", out _));
        Assert.False(limiter.TryAcquire("a", out _));
    }

    [Fact]
    public void Keys_have_their_own_buckets()
    {
        var limiter = new RateLimiter(new RateLimit(0.1, 1), true, _clock);

        Assert.True(limiter.TryAcquire("a", out _));
        Assert.False(limiter.TryAcquire("a", out _));
        Assert.True(limiter.TryAcquire("b", out _));
    }

    [Fact]
    public void Acquire_throws_429_with_the_wait()
    {
        var limiter = new RateLimiter(new RateLimit(0.25, 1), true, _clock);
        limiter.Acquire("a");

        var error = Assert.Throws<MatrixException>(() => limiter.Acquire("a"));

        Assert.Equal(ErrorCode.LimitExceeded, error.Code);
        Assert.Equal(TimeSpan.FromSeconds(4), error.RetryAfter);
    }

    [Fact]
    public void Checking_an_exhausted_key_takes_nothing()
    {
        var limiter = new RateLimiter(new RateLimit(1, 1), true, _clock);
        limiter.ThrowIfExhausted("a");
        limiter.ThrowIfExhausted("a");
        Assert.True(limiter.TryAcquire("a", out _));

        Assert.Throws<MatrixException>(() => limiter.ThrowIfExhausted("a"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        limiter.ThrowIfExhausted("a");
        Assert.True(limiter.TryAcquire("a", out _));
    }

    [Fact]
    public void Reset_fills_the_bucket_again()
    {
        var limiter = new RateLimiter(new RateLimit(0.01, 2), true, _clock);
        limiter.Acquire("a");
        limiter.Acquire("a");

        limiter.Reset("a");

        Assert.True(limiter.TryAcquire("a", out _));
        Assert.True(limiter.TryAcquire("a", out _));
        Assert.False(limiter.TryAcquire("a", out _));
    }

    [Fact]
    public void Disabled_never_limits()
    {
        var limiter = new RateLimiter(new RateLimit(0.01, 1), false, _clock);

        Assert.All(Enumerable.Range(0, 100), i => Assert.True(limiter.TryAcquire("a", out _)));
        Assert.Equal(0, limiter.Count);
    }

    [Fact]
    public void A_clock_stepped_back_adds_no_tokens()
    {
        var limiter = new RateLimiter(new RateLimit(1, 1), true, _clock);
        limiter.Acquire("a");

        _clock.Advance(TimeSpan.FromHours(-1));
        Assert.False(limiter.TryAcquire("a", out _));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.False(limiter.TryAcquire("a", out _));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAcquire("a", out _));
    }

    [Fact]
    public void Buckets_that_refilled_are_dropped_when_the_map_is_full()
    {
        var limiter = new RateLimiter(new RateLimit(1, 2), true, _clock, capacity: 100);
        for (var i = 0; i < 100; i++)
        {
            limiter.Acquire("idle" + i);
        }

        _clock.Advance(TimeSpan.FromSeconds(1));
        limiter.Acquire("new");

        Assert.Equal(1, limiter.Count);
    }

    [Fact]
    public void Memory_stays_bounded_and_a_flood_of_keys_does_not_unlock_an_exhausted_one()
    {
        var limiter = new RateLimiter(new RateLimit(0.01, 3), true, _clock, capacity: 100);
        for (var i = 0; i < 3; i++)
        {
            limiter.Acquire("victim");
        }

        for (var i = 0; i < 10_000; i++)
        {
            limiter.Acquire("flood" + i);
            Assert.InRange(limiter.Count, 1, 100);
        }

        Assert.False(limiter.TryAcquire("victim", out _));
    }
}
