using System.Buffers;
using System.Security.Cryptography;
using Homeserver.Core.Errors;
using Homeserver.Services.Configuration;
using Homeserver.Services.Media;

namespace Homeserver.Storage.Media;

/// <summary>
/// Media content as files under <c>{DataDirectory}/media/content/ab/cd/{sha256}</c>. An upload is written to
/// <c>media/tmp</c> while hashed, flushed to disk, then moved to its hash's path, or dropped when that path already
/// holds the same content; a reader never sees a partial file.
/// </summary>
public sealed class FileSystemMediaContentStore : IMediaContentStore
{
    private const int BufferSize = 81920;
    private readonly string _contentDirectory;
    private readonly string _tempDirectory;

    public FileSystemMediaContentStore(HomeserverSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var root = Path.Combine(settings.DataDirectory, "media");
        _contentDirectory = Path.Combine(root, "content");
        _tempDirectory = Path.Combine(root, "tmp");
        Directory.CreateDirectory(_contentDirectory);
        Directory.CreateDirectory(_tempDirectory);
    }

    public async Task<StoredContent> PutAsync(Stream source, long maxBytes, CancellationToken cancellationToken)
    {
        await using var staged = await StageAsync(source, maxBytes, cancellationToken);
        await staged.CommitAsync(cancellationToken);
        return staged.Content;
    }

    public async Task<IStagedMediaContent> StageAsync(Stream source, long maxBytes,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var tempPath = Path.Combine(_tempDirectory, Guid.NewGuid().ToString("N"));
        try
        {
            var (sha256, length) = await WriteHashedAsync(source, tempPath, maxBytes, cancellationToken);
            return new StagedFile(tempPath, PathOf(sha256), new StoredContent(sha256, length));
        }
        catch
        {
            File.Delete(tempPath);
            throw;
        }
    }

    public Task<long?> DeleteAsync(string sha256, CancellationToken cancellationToken)
    {
        if (!IsHash(sha256))
        {
            return Task.FromResult<long?>(null);
        }

        var file = new FileInfo(PathOf(sha256));
        if (!file.Exists)
        {
            return Task.FromResult<long?>(null);
        }

        var length = file.Length;
        file.Delete();
        return Task.FromResult<long?>(length);
    }

    public Task<Stream?> OpenReadAsync(string sha256, CancellationToken cancellationToken)
    {
        if (!IsHash(sha256))
        {
            return Task.FromResult<Stream?>(null);
        }

        try
        {
            return Task.FromResult<Stream?>(new FileStream(PathOf(sha256), FileMode.Open, FileAccess.Read,
                FileShare.Read | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    private static async Task<(string Sha256, long Length)> WriteHashedAsync(Stream source, string path, long maxBytes,
        CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None,
                bufferSize: 0, FileOptions.Asynchronous);
            long length = 0;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                length += read;
                if (length > maxBytes)
                {
                    throw new MatrixException(ErrorCode.TooLarge, $"Upload too large (limit {maxBytes} bytes)");
                }

                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            // On disk before any row points at it: an acknowledged upload survives a crash. fsync has no async form.
#pragma warning disable CA1849
            file.Flush(flushToDisk: true);
#pragma warning restore CA1849
            return (Convert.ToHexStringLower(hash.GetHashAndReset()), length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool IsHash(string sha256) =>
        sha256 is { Length: 64 } && sha256.All(char.IsAsciiHexDigitLower);

    /// <summary>A hashed copy in <c>media/tmp</c>: moved to its hash's path on commit, deleted when dropped.</summary>
    private sealed class StagedFile(string tempPath, string finalPath, StoredContent content) : IStagedMediaContent
    {
        public StoredContent Content => content;

        public Task CommitAsync(CancellationToken cancellationToken)
        {
            if (File.Exists(finalPath))
            {
                File.Delete(tempPath);
                return Task.CompletedTask;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
            try
            {
                File.Move(tempPath, finalPath, overwrite: false);
            }
            catch (IOException) when (File.Exists(finalPath))
            {
                // Another upload of the same content won the race; its file is the same bytes.
                File.Delete(tempPath);
            }

            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            File.Delete(tempPath);
            return ValueTask.CompletedTask;
        }
    }

    private string PathOf(string sha256) => Path.Combine(_contentDirectory, sha256[..2], sha256[2..4], sha256);
}
