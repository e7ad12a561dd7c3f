using System.Collections.Concurrent;
using Homeserver.Core.Errors;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Accounts;

/// <summary>
/// Token buckets per key (an IP address, an account) for one kind of action. In memory, per process:
/// a client spread over several processes gets a little more, which is fine for a brake on guessing.
/// </summary>
public sealed class RateLimiter(RateLimit limit, bool enabled, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>Takes one token for <paramref name="key"/> or throws 429 M_LIMIT_EXCEEDED with the wait.</summary>
    public void Acquire(string key)
    {
        if (!enabled)
        {
            return;
        }

        var now = time.GetTimestamp();
        var bucket = _buckets.GetOrAdd(key, _ => new Bucket(limit.Burst, now));
        TimeSpan wait;
        lock (bucket)
        {
            var elapsed = time.GetElapsedTime(bucket.Updated, now).TotalSeconds;
            bucket.Tokens = Math.Min(limit.Burst, bucket.Tokens + (elapsed * limit.PerSecond));
            bucket.Updated = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return;
            }

            wait = TimeSpan.FromSeconds((1 - bucket.Tokens) / limit.PerSecond);
        }

        if (_buckets.Count > 100_000)
        {
            _buckets.Clear();
        }

        throw MatrixException.LimitExceeded(wait);
    }

    private sealed class Bucket(double tokens, long updated)
    {
        public double Tokens { get; set; } = tokens;

        public long Updated { get; set; } = updated;
    }
}
