using System.Collections.Concurrent;
using Homeserver.Core.Errors;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Accounts;

/// <summary>
/// Token buckets per key (an IP address, an account) for one kind of action. In memory, per process:
/// a client spread over several processes gets a little more, which is fine for a brake on guessing.
/// Memory is bounded: a bucket that has refilled is the same as no bucket and is dropped when the map grows past
/// <paramref name="capacity"/>; if the map is still too big, the fullest buckets go first (the least state lost).
/// </summary>
public sealed class RateLimiter(RateLimit limit, bool enabled, TimeProvider time, int capacity = 100_000)
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly Lock _sweepLock = new();

    /// <summary>Buckets held now (for tests of the memory bound).</summary>
    public int Count => _buckets.Count;

    /// <summary>Takes one token for <paramref name="key"/> or throws 429 M_LIMIT_EXCEEDED with the wait.</summary>
    public void Acquire(string key)
    {
        if (!TryAcquire(key, out var wait))
        {
            throw MatrixException.LimitExceeded(wait);
        }
    }

    /// <summary>Takes one token for <paramref name="key"/>; false (and the wait for the next one) when none is left.</summary>
    public bool TryAcquire(string key, out TimeSpan retryAfter) => TryAcquire(key, limit, out retryAfter);

    /// <summary>
    /// Takes one token for <paramref name="key"/> from a bucket of <paramref name="keyLimit"/> instead of the
    /// limiter's (a limit of the key's own, such as an admin's override). When the key's limit changes, its bucket
    /// keeps the tokens it had, up to the new burst.
    /// </summary>
    public bool TryAcquire(string key, RateLimit keyLimit, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(keyLimit);
        retryAfter = TimeSpan.Zero;
        if (!enabled)
        {
            return true;
        }

        var now = NowSeconds();
        if (!_buckets.TryGetValue(key, out var bucket))
        {
            if (_buckets.Count >= capacity)
            {
                Sweep(now);
            }

            bucket = _buckets.GetOrAdd(key, _ => new Bucket(keyLimit, now));
        }

        lock (bucket)
        {
            Refill(bucket, now);
            if (bucket.Limit != keyLimit)
            {
                bucket.Limit = keyLimit;
                bucket.Tokens = Math.Min(bucket.Tokens, keyLimit.Burst);
            }

            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return true;
            }

            retryAfter = WaitForOneToken(bucket);
            return false;
        }
    }

    /// <summary>Throws 429 when <paramref name="key"/> has no token left, without taking one.</summary>
    public void ThrowIfExhausted(string key)
    {
        if (!enabled || !_buckets.TryGetValue(key, out var bucket))
        {
            return;
        }

        TimeSpan wait;
        lock (bucket)
        {
            Refill(bucket, NowSeconds());
            if (bucket.Tokens >= 1)
            {
                return;
            }

            wait = WaitForOneToken(bucket);
        }

        throw MatrixException.LimitExceeded(wait);
    }

    /// <summary>Gives back one token taken for <paramref name="key"/> (an attempt that turned out not to count).</summary>
    public void Release(string key)
    {
        if (!enabled || !_buckets.TryGetValue(key, out var bucket))
        {
            return;
        }

        lock (bucket)
        {
            Refill(bucket, NowSeconds());
            bucket.Tokens = Math.Min(bucket.Limit.Burst, bucket.Tokens + 1);
        }
    }

    /// <summary>Forgets <paramref name="key"/>: its bucket is full again.</summary>
    public void Reset(string key) => _buckets.TryRemove(key, out _);

    private double NowSeconds() => time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    private static void Refill(Bucket bucket, double now)
    {
        // A clock stepped backwards adds nothing rather than taking tokens away.
        var elapsed = Math.Max(0, now - bucket.Updated);
        bucket.Tokens = Math.Min(bucket.Limit.Burst, bucket.Tokens + (elapsed * bucket.Limit.PerSecond));
        bucket.Updated = Math.Max(bucket.Updated, now);
    }

    private static TimeSpan WaitForOneToken(Bucket bucket) =>
        TimeSpan.FromSeconds(Math.Max(0.001, (1 - bucket.Tokens) / bucket.Limit.PerSecond));

    private void Sweep(double now)
    {
        lock (_sweepLock)
        {
            if (_buckets.Count < capacity)
            {
                return;
            }

            var partial = new List<(string Key, double Tokens)>();
            foreach (var (key, bucket) in _buckets)
            {
                double tokens;
                bool full;
                lock (bucket)
                {
                    Refill(bucket, now);
                    tokens = bucket.Tokens;
                    full = tokens >= bucket.Limit.Burst;
                }

                if (full)
                {
                    _buckets.TryRemove(key, out _);
                }
                else
                {
                    partial.Add((key, tokens));
                }
            }

            // Down to 90% so that the next sweep is capacity/10 new keys away.
            var excess = partial.Count - (capacity - (capacity / 10));
            foreach (var (key, _) in partial.OrderByDescending(b => b.Tokens).Take(Math.Max(0, excess)))
            {
                _buckets.TryRemove(key, out _);
            }
        }
    }

    private sealed class Bucket(RateLimit limit, double updated)
    {
        public RateLimit Limit { get; set; } = limit;

        public double Tokens { get; set; } = limit.Burst;

        public double Updated { get; set; } = updated;
    }
}
