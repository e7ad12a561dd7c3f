using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;

namespace Homeserver.Services.Shared;

/// <summary>The single-process <see cref="ISharedStore"/>: a bounded memory cache and in-process pub/sub.</summary>
public sealed class InProcessSharedStore : ISharedStore, IDisposable
{
    private readonly MemoryCache _cache;
    private readonly ConcurrentDictionary<string, ImmutableHandlers> _subscriptions = new(StringComparer.Ordinal);

    public InProcessSharedStore(long maxEntries = 100_000)
    {
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = maxEntries });
    }

    public bool IsShared => false;

    public bool IsAvailable => true;

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_cache.TryGetValue<byte[]>(key, out var value) ? value : null);

    public ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? expiry,
        CancellationToken cancellationToken)
    {
        var options = new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = expiry };
        _cache.Set(key, value.ToArray(), options);
        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteAsync(string key, CancellationToken cancellationToken)
    {
        _cache.Remove(key);
        return ValueTask.CompletedTask;
    }

    public ValueTask PublishAsync(string channel, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (_subscriptions.TryGetValue(channel, out var handlers))
        {
            foreach (var handler in handlers.Items)
            {
                handler(message);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IAsyncDisposable> SubscribeAsync(string channel, Action<ReadOnlyMemory<byte>> handler,
        CancellationToken cancellationToken)
    {
        _subscriptions.AddOrUpdate(channel, _ => new ImmutableHandlers([handler]),
            (_, existing) => new ImmutableHandlers([.. existing.Items, handler]));
        return ValueTask.FromResult<IAsyncDisposable>(new Subscription(this, channel, handler));
    }

    public void Dispose() => _cache.Dispose();

    private void Unsubscribe(string channel, Action<ReadOnlyMemory<byte>> handler)
    {
        while (_subscriptions.TryGetValue(channel, out var existing))
        {
            var remaining = new ImmutableHandlers(existing.Items.Where(h => h != handler).ToArray());
            if (_subscriptions.TryUpdate(channel, remaining, existing))
            {
                return;
            }
        }
    }

    // Copy-on-write so publishing never locks and never sees a half-updated list.
    private sealed record ImmutableHandlers(Action<ReadOnlyMemory<byte>>[] Items);

    private sealed class Subscription(InProcessSharedStore store, string channel, Action<ReadOnlyMemory<byte>> handler)
        : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            store.Unsubscribe(channel, handler);
            return ValueTask.CompletedTask;
        }
    }
}
