namespace Homeserver.Services.Media;

/// <summary>
/// The one way content enters or leaves the content store while rows may name it (see <see cref="IMediaContentGuard"/>):
/// <see cref="StoreAsync"/> places the file and records its row under the content's lock, <see cref="ReleaseAsync"/>
/// deletes a file under that lock only when no row names it. A content whose row could not be recorded (over quota, an
/// upload to an ID that got its content meanwhile) is released again, so nothing is kept for it.
/// </summary>
public sealed class MediaContentWriter(IMediaContentStore content, IMediaContentGuard guard) : IDisposable
{
    // A hold keeps a database connection while the row is recorded on another one; bounding the holds in flight keeps
    // them from taking the whole pool and waiting on each other for the second connection.
    private readonly SemaphoreSlim _holds = new(16, 16);

    /// <summary>
    /// Copies <paramref name="source"/> into the store and calls <paramref name="record"/> (which inserts the row naming
    /// it and says whether it did) with the content readable and its lock held.
    /// </summary>
    public async Task<StoredContent> StoreAsync(Stream source, long maxBytes,
        Func<StoredContent, CancellationToken, Task<bool>> record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var staged = await content.StageAsync(source, maxBytes, cancellationToken);
        await _holds.WaitAsync(cancellationToken);
        try
        {
            await using var hold = await guard.HoldAsync(staged.Content.Sha256, cancellationToken);
            await staged.CommitAsync(cancellationToken);
            var recorded = false;
            try
            {
                recorded = await record(staged.Content, cancellationToken);
            }
            finally
            {
                if (!recorded)
                {
                    await DeleteUnreferencedAsync(hold, staged.Content.Sha256, CancellationToken.None);
                }
            }

            return staged.Content;
        }
        finally
        {
            _holds.Release();
        }
    }

    /// <summary>Deletes the content when no row names it; the bytes freed (0 when kept or already gone).</summary>
    public async Task<long> ReleaseAsync(string sha256, CancellationToken cancellationToken)
    {
        await _holds.WaitAsync(cancellationToken);
        try
        {
            await using var hold = await guard.HoldAsync(sha256, cancellationToken);
            return await DeleteUnreferencedAsync(hold, sha256, cancellationToken);
        }
        finally
        {
            _holds.Release();
        }
    }

    private async Task<long> DeleteUnreferencedAsync(IMediaContentHold hold, string sha256,
        CancellationToken cancellationToken) =>
        await hold.IsReferencedAsync(cancellationToken)
            ? 0
            : await content.DeleteAsync(sha256, cancellationToken) ?? 0;

    public void Dispose() => _holds.Dispose();
}
