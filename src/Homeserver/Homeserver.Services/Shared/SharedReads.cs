using System.Collections.Concurrent;
using System.Diagnostics;

namespace Homeserver.Services.Shared;

/// <summary>
/// Identical reads made by many requests at about the same time share one query: a caller takes the result of a read
/// of the same key that started at or after <c>notBefore</c> (a <see cref="Stopwatch.GetTimestamp"/> value: a read
/// started then sees everything the caller must see), or starts one. Results are kept a short while after they
/// complete so that requests arriving later in the same burst (an event waking a thousand syncs) still share them.
/// The values handed out are shared: they must not be changed.
/// </summary>
public sealed class SharedReads<TKey, TValue>
    where TKey : notnull
{
    private const int PruneAbove = 1_000;
    private static readonly long KeepFor = Stopwatch.Frequency * 2;

    private readonly ConcurrentDictionary<TKey, Read> _reads = new();

    public Task<TValue> ReadAsync(TKey key, long notBefore, Func<Task<TValue>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (_reads.TryGetValue(key, out var existing) && existing.StartedAt >= notBefore && !existing.Task.IsFaulted &&
            !existing.Task.IsCanceled)
        {
            return existing.Task.WaitAsync(cancellationToken);
        }

        if (_reads.Count > PruneAbove)
        {
            Prune();
        }

        var started = new Read(Stopwatch.GetTimestamp(), read());
        _reads[key] = started;
        return started.Task.WaitAsync(cancellationToken);
    }

    private void Prune()
    {
        var cutoff = Stopwatch.GetTimestamp() - KeepFor;
        foreach (var (key, value) in _reads)
        {
            if (value.StartedAt < cutoff && value.Task.IsCompleted)
            {
                _reads.TryRemove(new KeyValuePair<TKey, Read>(key, value));
            }
        }
    }

    private sealed record Read(long StartedAt, Task<TValue> Task);
}
