using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;

namespace Homeserver.Bridges.Discord.Client.Rest;

/// <summary>
/// Discord's rate limits as the answers describe them: each route (per major parameter) belongs to a bucket named by
/// <c>X-RateLimit-Bucket</c> with <c>Remaining</c> requests until <c>Reset-After</c> seconds pass; a global 429
/// stops every request. Requests of one bucket go one at a time so the counts stay true.
/// </summary>
internal sealed class RateLimiter(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, string> _routeToHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly Lock _globalLock = new();
    private DateTimeOffset _globalUntil = DateTimeOffset.MinValue;

    /// <summary>The bucket a request of <paramref name="route"/> waits in: the server's bucket once it named one.</summary>
    public Bucket BucketFor(RouteKey route) =>
        _routeToHash.TryGetValue(route.Route, out var hash)
            ? _buckets.GetOrAdd(hash + ":" + route.Major, _ => new Bucket())
            : _buckets.GetOrAdd(route.Route + ":" + route.Major, _ => new Bucket());

    /// <summary>How long to wait before sending in <paramref name="bucket"/>, zero when free.</summary>
    public TimeSpan WaitBefore(Bucket bucket)
    {
        var now = time.GetUtcNow();
        TimeSpan wait = TimeSpan.Zero;
        lock (_globalLock)
        {
            if (_globalUntil > now)
            {
                wait = _globalUntil - now;
            }
        }

        if (bucket.Remaining == 0 && bucket.ResetAt > now && bucket.ResetAt - now > wait)
        {
            wait = bucket.ResetAt - now;
        }

        if (bucket.Remaining == 0 && bucket.ResetAt <= now)
        {
            bucket.Remaining = null;
        }

        return wait;
    }

    /// <summary>Takes in the rate-limit headers of an answer to <paramref name="route"/>.</summary>
    public void Observe(RouteKey route, Bucket bucket, HttpResponseHeaders headers)
    {
        var now = time.GetUtcNow();
        if (Header(headers, "X-RateLimit-Remaining") is { } remainingText
            && int.TryParse(remainingText, NumberStyles.None, CultureInfo.InvariantCulture, out var remaining))
        {
            bucket.Remaining = remaining;
        }

        if (Seconds(Header(headers, "X-RateLimit-Reset-After")) is { } resetAfter)
        {
            bucket.ResetAt = now + resetAfter;
        }

        if (Header(headers, "X-RateLimit-Bucket") is { Length: > 0 } hash && _routeToHash.TryAdd(route.Route, hash))
        {
            // Later requests of this route wait in the server's bucket, which starts from what this answer said.
            _buckets.AddOrUpdate(hash + ":" + route.Major, _ => bucket, (_, existing) => existing);
        }
    }

    /// <summary>Takes in a 429: the whole API (global) or the bucket waits <paramref name="retryAfter"/>.</summary>
    public void Limited(Bucket bucket, TimeSpan retryAfter, bool global)
    {
        var until = time.GetUtcNow() + retryAfter;
        if (global)
        {
            lock (_globalLock)
            {
                if (until > _globalUntil)
                {
                    _globalUntil = until;
                }
            }

            return;
        }

        bucket.Remaining = 0;
        bucket.ResetAt = until;
    }

    public static TimeSpan? Seconds(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? Seconds(seconds) : null;

    /// <summary>A duration in seconds from a hostile server: negative or not finite is none, and at most a day.</summary>
    public static TimeSpan? Seconds(double seconds) =>
        seconds >= 0 && double.IsFinite(seconds) ? TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.FromDays(1).TotalSeconds)) : null;

    public static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>One bucket's state; <see cref="Gate"/> lets one request of the bucket run at a time.</summary>
    internal sealed class Bucket
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public int? Remaining { get; set; }

        public DateTimeOffset ResetAt { get; set; } = DateTimeOffset.MinValue;
    }
}
