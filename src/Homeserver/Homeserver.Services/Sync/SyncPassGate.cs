namespace Homeserver.Services.Sync;

/// <summary>
/// How many /sync passes (read the positions, build the response) run at once. One event in a big room wakes every
/// member's long-poll together; each pass takes a few database connections, so thousands of woken passes at once
/// would empty the connection pool, starve the sends that feed them and time out (503). Passes beyond the limit wait
/// here, in order, holding no connection; a pass that waited reads fresher positions, so it carries more events.
/// </summary>
public sealed class SyncPassGate : IDisposable
{
    private readonly SemaphoreSlim _slots;

    /// <param name="concurrentPasses">Passes allowed at once (at least 1).</param>
    public SyncPassGate(int concurrentPasses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrentPasses, 1);
        Limit = concurrentPasses;
        _slots = new SemaphoreSlim(concurrentPasses, concurrentPasses);
    }

    /// <summary>The gate for a connection pool of <paramref name="poolSize"/>: a quarter of it, so writes and other
    /// requests keep connections while syncs fan out.</summary>
    public static SyncPassGate ForPool(int poolSize) => new(Math.Max(1, poolSize / 4));

    public int Limit { get; }

    /// <summary>Passes running now.</summary>
    public int Running => Limit - _slots.CurrentCount;

    /// <summary>Waits for a slot; dispose the result to give it back.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
