using System.Collections.Concurrent;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Federation.Client;

/// <summary>At most N requests in flight per destination; the others wait for a slot.</summary>
public sealed class DestinationLimiter(int perDestination)
{
    private readonly ConcurrentDictionary<string, Slots> _slots = new(StringComparer.Ordinal);

    /// <summary>Requests waiting for a slot of the destination now.</summary>
    public int WaitingFor(ServerName destination) =>
        _slots.TryGetValue(destination.Value, out var slots) ? Volatile.Read(ref slots.Waiting) : 0;

    /// <summary>Waits for a slot; disposing the result frees it.</summary>
    public async Task<IDisposable> EnterAsync(ServerName destination, CancellationToken cancellationToken)
    {
        var slots = _slots.GetOrAdd(destination.Value, _ => new Slots(perDestination));
        Interlocked.Increment(ref slots.Waiting);
        try
        {
            await slots.Semaphore.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref slots.Waiting);
        }

        return new Slot(slots.Semaphore);
    }

    private sealed class Slots(int count)
    {
        public SemaphoreSlim Semaphore { get; } = new(count, count);
        public int Waiting;
    }

    private sealed class Slot(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}
