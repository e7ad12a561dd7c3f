using System.Collections.Concurrent;

namespace Homeserver.Services.Accounts;

/// <summary>
/// Access tokens looked up recently, by token hash, so most requests cost no database query. Revocations
/// (<see cref="Revoke"/>) arrive from every process. A lookup that raced with a revocation is not cached:
/// each revocation bumps a generation, and an entry read from the database under an older generation is dropped.
/// </summary>
public sealed class AccessTokenCache(int maxEntries = 100_000)
{
    private readonly ConcurrentDictionary<string, AccessTokenRecord> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _generation;

    public long Generation => Interlocked.Read(ref _generation);

    public int Count => _entries.Count;

    public bool TryGet(string key, out AccessTokenRecord record) => _entries.TryGetValue(key, out record!);

    /// <summary>Caches a record read from the database while the generation was <paramref name="generationBeforeRead"/>.</summary>
    public void Add(string key, AccessTokenRecord record, long generationBeforeRead)
    {
        lock (_gate)
        {
            if (Interlocked.Read(ref _generation) != generationBeforeRead)
            {
                return;
            }

            if (_entries.Count >= maxEntries)
            {
                _entries.Clear();
            }

            _entries[key] = record;
        }
    }

    public void Revoke(TokenRevocation revocation)
    {
        ArgumentNullException.ThrowIfNull(revocation);
        lock (_gate)
        {
            Interlocked.Increment(ref _generation);
            foreach (var (key, record) in _entries)
            {
                if (record.UserId == revocation.UserId &&
                    (revocation.DeviceId is null || record.DeviceId == revocation.DeviceId))
                {
                    _entries.TryRemove(key, out _);
                }
            }
        }
    }

    /// <summary>Forgets everything (when revocations may have been missed, e.g. the listener reconnected).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            Interlocked.Increment(ref _generation);
            _entries.Clear();
        }
    }
}
