using Homeserver.Services.Media;

namespace Homeserver.Host.Tests.Media;

/// <summary>
/// A content store that, once <see cref="Arm"/>ed, stops the next commit right after the file was placed (or found
/// already there), until the test releases it: the point where an upload has found its content on disk and not yet
/// recorded its row.
/// </summary>
public sealed class GatedContentStore(IMediaContentStore inner) : IMediaContentStore
{
    private Gate? _armed;

    public Gate Arm() => _armed = new Gate();

    public Task<StoredContent> PutAsync(Stream source, long maxBytes, CancellationToken cancellationToken) =>
        inner.PutAsync(source, maxBytes, cancellationToken);

    public Task<Stream?> OpenReadAsync(string sha256, CancellationToken cancellationToken) =>
        inner.OpenReadAsync(sha256, cancellationToken);

    public async Task<IStagedMediaContent> StageAsync(Stream source, long maxBytes,
        CancellationToken cancellationToken)
    {
        var staged = await inner.StageAsync(source, maxBytes, cancellationToken);
        var gate = Interlocked.Exchange(ref _armed, null);
        return gate is null ? staged : new GatedStaged(staged, gate);
    }

    public Task<long?> DeleteAsync(string sha256, CancellationToken cancellationToken) =>
        inner.DeleteAsync(sha256, cancellationToken);

    public sealed class Gate
    {
        private readonly TaskCompletionSource _committed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Committed => _committed.Task;

        public void Release() => _released.TrySetResult();

        internal async Task PassAsync()
        {
            _committed.TrySetResult();
            await _released.Task;
        }
    }

    private sealed class GatedStaged(IStagedMediaContent inner, Gate gate) : IStagedMediaContent
    {
        public StoredContent Content => inner.Content;

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            await inner.CommitAsync(cancellationToken);
            await gate.PassAsync();
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
