using System.Text;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Media;

/// <summary>
/// Wakes downloads waiting for an async upload (<c>/media/v1/create</c> then PUT) when its content arrives, in every
/// process: completions are published on the shared store's <c>media.uploaded</c> channel, and each process's
/// subscription (<see cref="SubscribeAsync"/>) wakes its own waiters, including the publisher's.
/// </summary>
public sealed class MediaUploadSignals(ISharedStore sharedStore)
{
    public const string Channel = "media.uploaded";
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Waiters> _waiters = new(StringComparer.Ordinal);

    /// <summary>
    /// Completes when <paramref name="mediaId"/> is uploaded. Register before checking the row, so an upload between
    /// the check and the wait is not missed; dispose when done waiting.
    /// </summary>
    public Registration Register(string mediaId)
    {
        lock (_lock)
        {
            if (!_waiters.TryGetValue(mediaId, out var waiters))
            {
                waiters = new Waiters();
                _waiters[mediaId] = waiters;
            }

            waiters.Count++;
            return new Registration(this, mediaId, waiters);
        }
    }

    public ValueTask PublishAsync(string mediaId, CancellationToken cancellationToken) =>
        sharedStore.PublishAsync(Channel, Encoding.UTF8.GetBytes(mediaId), cancellationToken);

    public ValueTask<IAsyncDisposable> SubscribeAsync(CancellationToken cancellationToken) =>
        sharedStore.SubscribeAsync(Channel, message => Wake(Encoding.UTF8.GetString(message.Span)), cancellationToken);

    private void Wake(string mediaId)
    {
        Waiters? waiters;
        lock (_lock)
        {
            _waiters.Remove(mediaId, out waiters);
        }

        waiters?.Uploaded.TrySetResult();
    }

    private void Release(string mediaId, Waiters waiters)
    {
        lock (_lock)
        {
            if (--waiters.Count == 0 && _waiters.TryGetValue(mediaId, out var current) && current == waiters)
            {
                _waiters.Remove(mediaId);
            }
        }
    }

    internal sealed class Waiters
    {
        public readonly TaskCompletionSource Uploaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Count;
    }

    public sealed class Registration : IDisposable
    {
        private readonly MediaUploadSignals _owner;
        private readonly string _mediaId;
        private readonly Waiters _waiters;
        private int _disposed;

        internal Registration(MediaUploadSignals owner, string mediaId, Waiters waiters)
        {
            _owner = owner;
            _mediaId = mediaId;
            _waiters = waiters;
        }

        public Task Uploaded => _waiters.Uploaded.Task;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _owner.Release(_mediaId, _waiters);
            }
        }
    }
}
