using System.Diagnostics;

namespace Homeserver.Services.Sync;

/// <summary>
/// The current position of every /sync stream, read once for all the syncs that ask at about the same time: when an
/// event wakes many long-polls at once, they share one read instead of each querying every stream. A sync may only
/// use a read that started after it registered its listener (else a change between the read and the registration
/// would neither be in the response nor wake it); a read waits one turn of the thread pool before it starts, so
/// syncs woken together all join it.
/// </summary>
/// <param name="Now">Every stream's position.</param>
/// <param name="MembershipsChangedAt">The event position of the newest membership change, read after
/// <paramref name="Now"/>.</param>
/// <param name="ReadAt">A <see cref="Stopwatch"/> timestamp after which every event up to <paramref name="Now"/> is
/// visible (taken when the read finished).</param>
public sealed record SyncPositionsRead(SyncToken Now, long MembershipsChangedAt, long ReadAt)
{
    /// <summary>
    /// <see cref="ReadAt"/> for a pass answering up to <paramref name="passNow"/>, the timestamp after which its shared
    /// reads see all it must; null when the pass's token was ahead of this read (another process's), which it then
    /// did not cover.
    /// </summary>
    public long? SharesReadsFrom(SyncToken passNow) => passNow.Events == Now.Events ? ReadAt : null;
}

public sealed class SyncPositions(IStreamPositionsReader reader, TypingService typing,
    IEnumerable<ISyncSection> sections)
{
    private readonly List<SyncStreamKind> _sectionKinds = sections.Select(s => s.Kind).ToList();
    private readonly Lock _lock = new();
    private PendingRead? _pending;

    /// <summary>The positions, read by a query that started at or after <paramref name="listeningSince"/>
    /// (a <see cref="Stopwatch.GetTimestamp"/> value).</summary>
    public Task<SyncPositionsRead> ReadAsync(long listeningSince, CancellationToken cancellationToken)
    {
        PendingRead read;
        lock (_lock)
        {
            if (_pending is null || !_pending.CanServe(listeningSince))
            {
                _pending = new PendingRead();
                _pending.Task = ReadSharedAsync(_pending);
            }

            read = _pending;
        }

        return read.Task!.WaitAsync(cancellationToken);
    }

    private async Task<SyncPositionsRead> ReadSharedAsync(PendingRead read)
    {
        await Task.Yield();
        read.MarkStarted();
        // Shared by many requests: none of them may cancel it.
        var positions = await reader.ReadAsync(CancellationToken.None);
        var now = new SyncToken(positions.Events, positions.AccountData, typing.Position, positions.Receipts);
        foreach (var kind in _sectionKinds)
        {
            now = now.With(kind, positions.Of(kind));
        }

        return new SyncPositionsRead(now, positions.MembershipsChangedAt, Stopwatch.GetTimestamp());
    }

    private sealed class PendingRead
    {
        private long _startedAt = -1;

        public Task<SyncPositionsRead>? Task { get; set; }

        public void MarkStarted() => Interlocked.Exchange(ref _startedAt, Stopwatch.GetTimestamp());

        public bool CanServe(long listeningSince)
        {
            var started = Interlocked.Read(ref _startedAt);
            return Task is { IsFaulted: false } && (started < 0 || started >= listeningSince);
        }
    }
}
