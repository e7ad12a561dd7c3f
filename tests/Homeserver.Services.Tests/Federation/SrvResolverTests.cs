using Homeserver.Services.Federation.Discovery;
using Homeserver.Testing;

namespace Homeserver.Services.Tests.Federation;

public sealed class SrvResolverTests
{
    private const string Name = "_matrix-fed._tcp.example.org";
    private readonly ManualClock _clock = new();
    private readonly FakeSrvLookup _lookup = new();
    private readonly ScriptedRandom _random = new();

    private static SrvRecord Record(string target, int priority, int weight, int ttlSeconds = 300) =>
        new(target, 8448, priority, weight, TimeSpan.FromSeconds(ttlSeconds));

    [Fact]
    public void Lower_priorities_come_first()
    {
        var ordered = SrvOrdering.Order([Record("c", 30, 0), Record("a", 10, 0), Record("b", 20, 0)], _random);
        Assert.Equal(["a", "b", "c"], ordered.Select(r => r.Target));
    }

    [Fact]
    public void Within_a_priority_the_pick_falls_on_the_record_whose_weight_range_holds_it()
    {
        // Weights 10, 30, 60: a pick of 1..10 is the first, 11..40 the second, 41..100 the third.
        SrvRecord[] records = [Record("w10", 1, 10), Record("w30", 1, 30), Record("w60", 1, 60)];
        _random.Pick(41, 10); // third of 100, then the first of the remaining 40
        Assert.Equal(["w60", "w10", "w30"], SrvOrdering.Order(records, _random).Select(r => r.Target));
        _random.Pick(11, 30); // second of 100, then the last of the remaining 70
        Assert.Equal(["w30", "w60", "w10"], SrvOrdering.Order(records, _random).Select(r => r.Target));
    }

    [Fact]
    public void Zero_weight_records_come_after_the_weighted_ones_of_their_priority()
    {
        SrvRecord[] records = [Record("zero", 1, 0), Record("heavy", 1, 5), Record("later", 2, 5)];
        Assert.Equal(["heavy", "zero", "later"], SrvOrdering.Order(records, _random).Select(r => r.Target));
    }

    [Fact]
    public async Task Answers_are_kept_for_their_ttl_then_asked_again()
    {
        _lookup.Add(Name, Record("a", 0, 0, ttlSeconds: 300), Record("b", 0, 0, ttlSeconds: 60));
        var resolver = new SrvResolver(_lookup, _clock, _random);
        await resolver.ResolveAsync(Name, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(59));
        await resolver.ResolveAsync(Name, CancellationToken.None);
        Assert.Single(_lookup.Queries);
        _clock.Advance(TimeSpan.FromSeconds(1)); // the shortest TTL is over
        await resolver.ResolveAsync(Name, CancellationToken.None);
        Assert.Equal(2, _lookup.Queries.Count);
    }

    [Fact]
    public async Task A_failed_lookup_falls_back_to_the_expired_answer()
    {
        _lookup.Add(Name, Record("a", 0, 0, ttlSeconds: 60));
        var resolver = new SrvResolver(_lookup, _clock, _random);
        await resolver.ResolveAsync(Name, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(5));
        _lookup.Answers[Name] = SrvLookupResult.Failed;
        var records = await resolver.ResolveAsync(Name, CancellationToken.None);
        Assert.Equal(["a"], records.Select(r => r.Target));
        Assert.Equal(2, _lookup.Queries.Count);
    }

    [Fact]
    public async Task A_failed_lookup_with_nothing_cached_is_a_discovery_failure()
    {
        _lookup.Answers[Name] = SrvLookupResult.Failed;
        var resolver = new SrvResolver(_lookup, _clock, _random);
        await Assert.ThrowsAsync<ServerDiscoveryException>(() => resolver.ResolveAsync(Name, CancellationToken.None));
    }

    [Fact]
    public async Task A_name_without_records_has_none()
    {
        var resolver = new SrvResolver(_lookup, _clock, _random);
        Assert.Empty(await resolver.ResolveAsync(Name, CancellationToken.None));
    }
}
