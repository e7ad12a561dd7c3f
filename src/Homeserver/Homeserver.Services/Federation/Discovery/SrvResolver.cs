namespace Homeserver.Services.Federation.Discovery;

/// <summary>
/// SRV lookups with their answers kept for their TTL (a failed lookup falls back to a stale answer, as Synapse does),
/// handed out in <see cref="SrvOrdering"/> order each time.
/// </summary>
public sealed class SrvResolver(ISrvLookup lookup, TimeProvider time, Random random)
{
    private const int MaxCachedNames = 10_000;

    private readonly Dictionary<string, (IReadOnlyList<SrvRecord> Records, DateTimeOffset Expires)> _cache =
        new(StringComparer.OrdinalIgnoreCase);

    private readonly Lock _lock = new();

    /// <summary>The records of <paramref name="name"/> in the order to try them; empty when there are none.</summary>
    /// <exception cref="ServerDiscoveryException">The lookup failed and nothing is cached, or the name says the
    /// service is decidedly not available (a single record with target ".").</exception>
    public async Task<IReadOnlyList<SrvRecord>> ResolveAsync(string name, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        (IReadOnlyList<SrvRecord> Records, DateTimeOffset Expires) cached;
        bool hasCached;
        lock (_lock)
        {
            hasCached = _cache.TryGetValue(name, out cached);
        }

        if (hasCached && cached.Expires > now)
        {
            return Ordered(name, cached.Records);
        }

        var result = await lookup.LookupAsync(name, cancellationToken);
        switch (result.Status)
        {
            case SrvLookupStatus.NotFound:
                return [];
            case SrvLookupStatus.Failed:
                return hasCached
                    ? Ordered(name, cached.Records)
                    : throw new ServerDiscoveryException($"The SRV lookup of {name} failed");
        }

        var records = result.Records;
        if (records.Count > 0)
        {
            var expires = now + records.Min(r => r.TimeToLive);
            lock (_lock)
            {
                if (_cache.Count >= MaxCachedNames)
                {
                    foreach (var stale in _cache.Where(e => e.Value.Expires <= now).Select(e => e.Key).ToList())
                    {
                        _cache.Remove(stale);
                    }

                    if (_cache.Count >= MaxCachedNames)
                    {
                        _cache.Remove(_cache.MinBy(e => e.Value.Expires).Key);
                    }
                }

                _cache[name] = (records, expires);
            }
        }

        return Ordered(name, records);
    }

    private IReadOnlyList<SrvRecord> Ordered(string name, IReadOnlyList<SrvRecord> records)
    {
        if (records.Count == 1 && records[0].Target is "." or "")
        {
            throw new ServerDiscoveryException($"{name} says the service is not available (SRV target '.')");
        }

        lock (_lock)
        {
            return SrvOrdering.Order(records, random);
        }
    }
}

/// <summary>A server name could not be resolved to anything to connect to.</summary>
public sealed class ServerDiscoveryException(string message) : Exception(message);
