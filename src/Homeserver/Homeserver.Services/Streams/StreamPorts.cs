using Homeserver.Core.Events;

namespace Homeserver.Services.Streams;

/// <summary>An event as the stream carries it: its position and the stored event (unredacted).</summary>
/// <param name="SoftFailed">Stored but kept out of the room's state and timeline (a remote event that failed the
/// current state's auth check).</param>
public sealed record StreamEvent(long Position, Pdu Pdu, bool SoftFailed);

/// <summary>
/// A durable reader of the event stream: every event this server persists, in every process, in stream order, at least
/// once. Its cursor (the position of the last batch it handled) is stored under <see cref="Name"/>, so it goes on where
/// it stopped after a restart; a new consumer starts at the stream's end when its process starts. A batch that throws is handed again (the
/// same events, after a back-off), so handling must be idempotent.
/// </summary>
public interface IEventStreamConsumer
{
    /// <summary>Unique and stable: the cursor's key.</summary>
    string Name { get; }

    Task HandleAsync(IReadOnlyList<StreamEvent> events, CancellationToken cancellationToken);
}

/// <summary>The consumers' cursors (<c>stream_consumers</c>).</summary>
public interface IStreamCursorStore
{
    /// <summary>Makes the consumer's cursor at the stream's end unless it has one.</summary>
    Task EnsureAsync(string consumer, CancellationToken cancellationToken);

    /// <summary>
    /// Holds the consumer's cursor for this caller across every process until disposed, or returns null when another
    /// holds it. The cursor row is made at the stream's end if there is none.
    /// </summary>
    Task<IStreamCursorHold?> TryHoldAsync(string consumer, CancellationToken cancellationToken);
}

/// <summary>A held cursor.</summary>
public interface IStreamCursorHold : IAsyncDisposable
{
    long Position { get; }

    /// <summary>Stores the new position (committed at once: a later failure does not hand these events again).</summary>
    Task AdvanceAsync(long position, CancellationToken cancellationToken);
}

/// <summary>Reads the event stream by position.</summary>
public interface IEventStreamReader
{
    /// <summary>
    /// Events after <paramref name="position"/>, in stream order, at most <paramref name="limit"/>. Positions become
    /// visible in order (the writers hold the stream lock until commit), so nothing can appear later below the last one
    /// read.
    /// </summary>
    Task<IReadOnlyList<StreamEvent>> ReadAfterAsync(long position, int limit, CancellationToken cancellationToken);
}
