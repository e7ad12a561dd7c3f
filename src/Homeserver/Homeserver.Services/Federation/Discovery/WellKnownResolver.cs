using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Federation.Discovery;

/// <summary>
/// The <c>m.server</c> delegation of hostnames, cached as Synapse does: a valid answer for its own cache period (else
/// 24 h ± 10%), fetched again when a fifth of it is left, and kept when that refresh fails only temporarily; no valid
/// answer is remembered for 1 h (2 min when the host had a valid one recently). One fetch per hostname at a time.
/// </summary>
public sealed class WellKnownResolver(IWellKnownFetcher fetcher, TimeProvider time, Random random)
{
    private const int MaxCachedHosts = 10_000;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, DateTimeOffset> _hadValidUntil = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Task<ServerName?>> _fetching = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    /// <summary>The delegated server name, or null when the host delegates nothing (spec: go on with SRV).</summary>
    public Task<ServerName?> GetDelegationAsync(string hostname, CancellationToken cancellationToken)
    {
        Task<ServerName?> fetch;
        lock (_lock)
        {
            if (_entries.TryGetValue(hostname, out var entry) &&
                time.GetUtcNow() < entry.Expires - entry.Period * WellKnownDocument.RefreshBeforeExpiryShare)
            {
                return Task.FromResult(entry.Delegation);
            }

            if (!_fetching.TryGetValue(hostname, out fetch!))
            {
                // Not the caller's token: others may be waiting for the same answer; the fetcher has its own timeout.
                fetch = FetchAndCacheAsync(hostname);
                _fetching[hostname] = fetch;
            }
        }

        return fetch.WaitAsync(cancellationToken);
    }

    private async Task<ServerName?> FetchAndCacheAsync(string hostname)
    {
        try
        {
            await Task.Yield();
            var result = await fetcher.FetchAsync(hostname, CancellationToken.None);
            return Store(hostname, result);
        }
        finally
        {
            lock (_lock)
            {
                _fetching.Remove(hostname);
            }
        }
    }

    private ServerName? Store(string hostname, WellKnownFetchResult result)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (result.Outcome == WellKnownFetchOutcome.Response &&
                WellKnownDocument.ParseDelegation(result.Status, result.Body, out _) is { } delegation)
            {
                var period = WellKnownDocument.CachePeriodFromHeaders(result.CacheControl, result.Expires, now) ??
                             Jittered(WellKnownDocument.DefaultCachePeriod);
                _hadValidUntil[hostname] = now + period + WellKnownDocument.RememberHadValid;
                Put(hostname, new Entry(delegation, now + period, period), now);
                return delegation;
            }

            if (result.Outcome == WellKnownFetchOutcome.TemporaryFailure &&
                _entries.TryGetValue(hostname, out var previous) && previous.Delegation is not null &&
                now < previous.Expires)
            {
                return previous.Delegation; // still valid: the host is probably back before it expires
            }

            var hadValid = _hadValidUntil.TryGetValue(hostname, out var until) && until > now;
            var failurePeriod = Jittered(hadValid ? WellKnownDocument.DownCachePeriod : WellKnownDocument.InvalidCachePeriod);
            Put(hostname, new Entry(null, now + failurePeriod, failurePeriod), now);
            return null;
        }
    }

    private void Put(string hostname, Entry entry, DateTimeOffset now)
    {
        if (_entries.Count >= MaxCachedHosts && !_entries.ContainsKey(hostname))
        {
            foreach (var expired in _entries.Where(e => e.Value.Expires <= now).Select(e => e.Key).ToList())
            {
                _entries.Remove(expired);
            }

            foreach (var forgotten in _hadValidUntil.Where(e => e.Value <= now).Select(e => e.Key).ToList())
            {
                _hadValidUntil.Remove(forgotten);
            }

            if (_entries.Count >= MaxCachedHosts)
            {
                _entries.Remove(_entries.MinBy(e => e.Value.Expires).Key);
            }
        }

        _entries[hostname] = entry;
    }

    private TimeSpan Jittered(TimeSpan period) =>
        period * (1 - WellKnownDocument.Jitter + 2 * WellKnownDocument.Jitter * random.NextDouble());

    private sealed record Entry(ServerName? Delegation, DateTimeOffset Expires, TimeSpan Period);
}
