using Homeserver.Core.Identifiers;
using Homeserver.Services.Tests.Accounts;
using Homeserver.Services.Admin;
using Homeserver.Services.Tests.Rooms;

namespace Homeserver.Services.Tests.Admin;

/// <summary>The per-process cache of admins' rate-limit overrides.</summary>
public sealed class RateLimitOverridesTests
{
    private static readonly UserId Alice = UserId.Parse("@alice:hs.test");
    private readonly ManualClock _clock = new();
    private readonly FakeOverrideStore _store = new();

    [Fact]
    public async Task Reads_are_cached_until_the_lifetime_passes_and_then_read_again()
    {
        var overrides = new RateLimitOverrides(_store, _clock);
        Assert.Null(await overrides.GetAsync(Alice, CancellationToken.None));

        _store.Values[Alice.Value] = new RateLimitOverride(0, 0); // another process's change
        Assert.Null(await overrides.GetAsync(Alice, CancellationToken.None));
        Assert.Equal(1, _store.Reads);

        _clock.Advance(RateLimitOverrides.Lifetime);
        Assert.Equal(new RateLimitOverride(0, 0), await overrides.GetAsync(Alice, CancellationToken.None));
    }

    [Fact]
    public async Task A_change_made_here_is_seen_here_at_once()
    {
        var overrides = new RateLimitOverrides(_store, _clock);
        Assert.Null(await overrides.GetAsync(Alice, CancellationToken.None));

        await overrides.SetAsync(Alice, new RateLimitOverride(3, 4), CancellationToken.None);
        Assert.Equal(new RateLimitOverride(3, 4), await overrides.GetAsync(Alice, CancellationToken.None));

        await overrides.DeleteAsync(Alice, CancellationToken.None);
        Assert.Null(await overrides.GetAsync(Alice, CancellationToken.None));
    }

    [Fact]
    public async Task The_cache_holds_at_most_its_bound()
    {
        var overrides = new RateLimitOverrides(_store, _clock, maxEntries: 10);

        for (var i = 0; i < 25; i++)
        {
            await overrides.GetAsync(UserId.Parse($"@u{i}:hs.test"), CancellationToken.None);
        }

        Assert.InRange(overrides.Count, 1, 10);
    }
}
