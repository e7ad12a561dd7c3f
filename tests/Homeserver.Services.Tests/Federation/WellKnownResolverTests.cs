using Homeserver.Services.Federation.Discovery;
using Homeserver.Testing;

namespace Homeserver.Services.Tests.Federation;

/// <summary>Caching of <c>/.well-known/matrix/server</c> as the spec recommends and Synapse does.</summary>
public sealed class WellKnownResolverTests
{
    private const string Host = "example.org";
    private readonly ManualClock _clock = new();
    private readonly FakeWellKnownFetcher _fetcher = new();
    private readonly ScriptedRandom _random = new() { Double = 0.5 }; // jitter factor exactly 1
    private readonly WellKnownResolver _resolver;

    public WellKnownResolverTests() => _resolver = new WellKnownResolver(_fetcher, _clock, _random);

    private async Task<string?> DelegationAsync() =>
        (await _resolver.GetDelegationAsync(Host, CancellationToken.None))?.Value;

    /// <summary>Whether a fetch happens when asking after <paramref name="after"/> more time.</summary>
    private async Task<bool> FetchesAfterAsync(TimeSpan after)
    {
        _clock.Advance(after);
        var before = _fetcher.Fetches.Count;
        await DelegationAsync();
        return _fetcher.Fetches.Count > before;
    }

    [Fact]
    public async Task A_valid_answer_without_cache_headers_is_kept_24_hours_and_refreshed_when_a_fifth_is_left()
    {
        _fetcher.Delegate(Host, "matrix.example.org:443");
        Assert.Equal("matrix.example.org:443", await DelegationAsync());
        Assert.False(await FetchesAfterAsync(TimeSpan.FromHours(19.2) - TimeSpan.FromSeconds(1)));
        Assert.True(await FetchesAfterAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task The_default_period_varies_by_the_jitter()
    {
        _random.Double = 1.0; // +10%: 26.4 h, refreshed after 21.12 h
        _fetcher.Delegate(Host, "m.example");
        await DelegationAsync();
        Assert.False(await FetchesAfterAsync(TimeSpan.FromHours(21.12) - TimeSpan.FromSeconds(1)));
        Assert.True(await FetchesAfterAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Max_age_is_respected()
    {
        _fetcher.Delegate(Host, "m.example", cacheControl: "public, max-age=3600");
        await DelegationAsync();
        Assert.False(await FetchesAfterAsync(TimeSpan.FromMinutes(48) - TimeSpan.FromSeconds(1)));
        Assert.True(await FetchesAfterAsync(TimeSpan.FromSeconds(1)));
    }

    [Theory]
    [InlineData("max-age=10", 5 * 60)] // at least 5 minutes
    [InlineData("no-store", 5 * 60)] // Synapse keeps even these 5 minutes
    [InlineData("max-age=31536000", 48 * 3600)] // at most 48 hours (the spec's recommended cap)
    public async Task Requested_periods_are_held_within_bounds(string cacheControl, int expectedSeconds)
    {
        _fetcher.Delegate(Host, "m.example", cacheControl);
        await DelegationAsync();
        var refreshAt = TimeSpan.FromSeconds(expectedSeconds * 0.8);
        Assert.False(await FetchesAfterAsync(refreshAt - TimeSpan.FromSeconds(1)));
        Assert.True(await FetchesAfterAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Expires_is_used_without_max_age()
    {
        var expires = (_clock.GetUtcNow() + TimeSpan.FromHours(10)).ToString("r", System.Globalization.CultureInfo.InvariantCulture);
        _fetcher.Delegate(Host, "m.example", expires: expires);
        await DelegationAsync();
        Assert.False(await FetchesAfterAsync(TimeSpan.FromHours(8) - TimeSpan.FromSeconds(1)));
        Assert.True(await FetchesAfterAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Cache_headers_are_read_as_synapse_reads_them()
    {
        var now = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Null(WellKnownDocument.CachePeriodFromHeaders(null, null, now));
        Assert.Equal(TimeSpan.FromHours(2), WellKnownDocument.CachePeriodFromHeaders("Max-Age=7200", null, now));
        Assert.Equal(TimeSpan.FromMinutes(5), WellKnownDocument.CachePeriodFromHeaders(null, "0", now));
        Assert.Equal(TimeSpan.FromHours(1),
            WellKnownDocument.CachePeriodFromHeaders("max-age=3600", "Thu, 01 Jan 2026 10:00:00 GMT", now));
        Assert.Equal(TimeSpan.FromHours(10),
            WellKnownDocument.CachePeriodFromHeaders("private", "Thu, 01 Jan 2026 10:00:00 GMT", now));
    }

    [Fact]
    public async Task No_valid_answer_is_remembered_for_an_hour()
    {
        Assert.Null(await DelegationAsync()); // the fake answers 404
        Assert.False(await FetchesAfterAsync(TimeSpan.FromMinutes(48) - TimeSpan.FromSeconds(1)));
        Assert.True(await FetchesAfterAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task A_host_that_had_a_valid_answer_is_asked_again_two_minutes_after_a_failure()
    {
        _fetcher.Delegate(Host, "m.example", cacheControl: "max-age=600");
        await DelegationAsync();
        _clock.Advance(TimeSpan.FromMinutes(10)); // expired: the previous answer is no longer usable
        _fetcher.Answers[Host] = FakeWellKnownFetcher.Json(404, "{}");
        Assert.Null(await DelegationAsync());
        Assert.False(await FetchesAfterAsync(TimeSpan.FromSeconds(96 - 1)));
        Assert.True(await FetchesAfterAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task A_temporary_failure_during_refresh_keeps_the_still_valid_answer()
    {
        _fetcher.Delegate(Host, "m.example", cacheControl: "max-age=3600");
        await DelegationAsync();
        _clock.Advance(TimeSpan.FromMinutes(50)); // in the refresh window, not expired
        _fetcher.Answers[Host] = WellKnownFetchResult.Temporary;
        Assert.Equal("m.example", await DelegationAsync());
        Assert.Equal(2, _fetcher.Fetches.Count);
    }

    [Fact]
    public async Task A_permanent_failure_during_refresh_drops_the_answer()
    {
        _fetcher.Delegate(Host, "m.example", cacheControl: "max-age=3600");
        await DelegationAsync();
        _clock.Advance(TimeSpan.FromMinutes(50));
        _fetcher.Answers[Host] = FakeWellKnownFetcher.Json(200, "{}");
        Assert.Null(await DelegationAsync());
    }

    [Fact]
    public async Task Concurrent_callers_share_one_fetch()
    {
        _fetcher.Delegate(Host, "m.example");
        _fetcher.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = _resolver.GetDelegationAsync(Host, CancellationToken.None);
        var second = _resolver.GetDelegationAsync(Host, CancellationToken.None);
        _fetcher.Gate.SetResult();
        Assert.Equal("m.example", (await first)?.Value);
        Assert.Equal("m.example", (await second)?.Value);
        Assert.Single(_fetcher.Fetches);
    }
}
