using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Tests.Shared;

namespace Homeserver.Services.Tests.Accounts;

public sealed class ErasedUsersCacheTests
{
    private const string Alice = "@alice:example.org";
    private const string Bob = "@bob:example.org";

    [Fact]
    public async Task Senders_are_read_once_then_served_from_memory()
    {
        var store = new ErasedStore { Erased = { Bob } };
        var cache = new ErasedUsersCache(store, new Homeserver.Testing.ManualClock());

        Assert.Equal([Bob], await cache.GetErasedAsync([Alice, Bob], CancellationToken.None));
        Assert.Equal([Bob], await cache.GetErasedAsync([Alice, Bob], CancellationToken.None));

        Assert.Equal(1, store.Reads);
    }

    [Fact]
    public async Task Not_erased_is_read_again_once_older_than_the_age_bound()
    {
        var store = new ErasedStore();
        var clock = new Homeserver.Testing.ManualClock();
        var cache = new ErasedUsersCache(store, clock);
        Assert.Empty(await cache.GetErasedAsync([Alice], CancellationToken.None));
        store.Erased.Add(Alice); // erased by a process whose message was lost

        clock.Advance(ErasedUsersCache.MaxAge - TimeSpan.FromSeconds(1));
        Assert.Empty(await cache.GetErasedAsync([Alice], CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal([Alice], await cache.GetErasedAsync([Alice], CancellationToken.None));
    }

    [Fact]
    public async Task An_erasure_applies_at_once_in_this_process_and_in_the_others()
    {
        var store = new ErasedStore();
        using var redis = new SwitchableSharedStore { Shared = true }; // two "processes" on one pub/sub
        var here = new ErasedUsersCache(store, new Homeserver.Testing.ManualClock(), redis);
        var there = new ErasedUsersCache(store, new Homeserver.Testing.ManualClock(), redis);
        await using var subscription = await there.SubscribeAsync(CancellationToken.None);
        Assert.Empty(await here.GetErasedAsync([Alice], CancellationToken.None));
        Assert.Empty(await there.GetErasedAsync([Alice], CancellationToken.None));

        store.Erased.Add(Alice);
        await here.OnDeactivatedAsync(UserId.Parse(Alice), erase: true, CancellationToken.None);

        Assert.Equal([Alice], await here.GetErasedAsync([Alice], CancellationToken.None));
        Assert.Equal([Alice], await there.GetErasedAsync([Alice], CancellationToken.None));
    }

    [Fact]
    public async Task Deactivation_without_erasure_changes_nothing()
    {
        var store = new ErasedStore();
        var cache = new ErasedUsersCache(store, new Homeserver.Testing.ManualClock());
        Assert.Empty(await cache.GetErasedAsync([Alice], CancellationToken.None));

        await cache.OnDeactivatedAsync(UserId.Parse(Alice), erase: false, CancellationToken.None);

        Assert.Empty(await cache.GetErasedAsync([Alice], CancellationToken.None));
        Assert.Equal(1, store.Reads);
    }

    [Fact]
    public async Task A_read_that_started_before_an_erasure_is_not_kept()
    {
        var store = new ErasedStore();
        var cache = new ErasedUsersCache(store, new Homeserver.Testing.ManualClock());
        store.DuringRead = () =>
        {
            store.DuringRead = null;
            store.Erased.Add(Alice);
            cache.OnDeactivatedAsync(UserId.Parse(Alice), erase: true, CancellationToken.None).GetAwaiter().GetResult();
        };

        Assert.Empty(await cache.GetErasedAsync([Alice, Bob], CancellationToken.None)); // read before the erasure

        Assert.Equal([Alice], await cache.GetErasedAsync([Alice], CancellationToken.None));
        Assert.Empty(await cache.GetErasedAsync([Bob], CancellationToken.None));
        Assert.Equal(2, store.Reads); // Alice is read again; Bob's status from the first read stands
    }

    private sealed class ErasedStore : IErasedUserReader
    {
        public HashSet<string> Erased { get; } = new(StringComparer.Ordinal);

        public int Reads { get; private set; }

        public Action? DuringRead { get; set; }

        public Task<IReadOnlySet<string>> GetErasedAsync(IReadOnlyCollection<string> userIds,
            CancellationToken cancellationToken)
        {
            Reads++;
            IReadOnlySet<string> found = userIds.Where(Erased.Contains).ToHashSet(StringComparer.Ordinal);
            DuringRead?.Invoke();
            return Task.FromResult(found);
        }
    }
}
