using System.Globalization;
using System.Text;
using Homeserver.Services.Rooms;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Streams;

/// <summary>
/// Tells this process when the event stream grew, in this process (after commit) or in another one sharing the
/// database: each process publishes its new stream end on <see cref="Channel"/> and every other one wakes. Without a
/// shared store only this process's writes wake; the consumers' poll finds the rest.
/// </summary>
public sealed class StreamWakeups(ISharedStore shared) : IEventPersistedObserver
{
    public const string Channel = "stream.events";

    private readonly string _processId = Guid.NewGuid().ToString("N");
    private readonly Lock _lock = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next wake-up after this read: take it before reading the stream, wait on it after.</summary>
    public Task Next
    {
        get
        {
            lock (_lock)
            {
                return _next.Task;
            }
        }
    }

    /// <summary>Raised when another process's write woke this one.</summary>
    public event Action? OtherProcessWrote;

    public void OnPersisted(IReadOnlyList<PersistedEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        Wake();
        if (!shared.IsShared)
        {
            return;
        }

        // Dropped while Redis is away (other processes then find the events at their poll); never throws.
        var message = _processId + " " + events.Max(e => e.StreamOrdering).ToString(CultureInfo.InvariantCulture);
        _ = shared.PublishAsync(Channel, Encoding.UTF8.GetBytes(message), CancellationToken.None).AsTask();
    }

    /// <summary>Listens for other processes' writes (a no-op store when not shared).</summary>
    public ValueTask<IAsyncDisposable> SubscribeAsync(CancellationToken cancellationToken) =>
        shared.SubscribeAsync(Channel, message =>
        {
            var text = Encoding.UTF8.GetString(message.Span);
            if (text.StartsWith(_processId, StringComparison.Ordinal))
            {
                return;
            }

            Wake();
            OtherProcessWrote?.Invoke();
        }, cancellationToken);

    private void Wake()
    {
        TaskCompletionSource woken;
        lock (_lock)
        {
            woken = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        woken.TrySetResult();
    }
}
