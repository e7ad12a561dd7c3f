using System.Collections.Concurrent;
using Homeserver.Services.Media;

namespace Homeserver.Host.Tests.Media;

/// <summary>Other servers' media from an in-test dictionary, standing in for federation's media fetch.</summary>
public sealed class FakeRemoteMediaFetcher : IRemoteMediaFetcher
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    public ConcurrentDictionary<(string ServerName, string MediaId), (byte[] Bytes, string ContentType, string? FileName)>
        Media { get; } = new();

    /// <summary>Runs before answering (hang until cancelled, throw), when set.</summary>
    public Func<CancellationToken, Task>? Before { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Completes once a fetch has begun.</summary>
    public Task Started => _started.Task;

    public async Task<RemoteMediaDownload?> DownloadAsync(string serverName, string mediaId, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        _started.TrySetResult();
        if (Before is { } before)
        {
            await before(cancellationToken);
        }

        return Media.TryGetValue((serverName, mediaId), out var media)
            ? new RemoteMediaDownload(new MemoryStream(media.Bytes, writable: false), media.ContentType, media.FileName)
            : null;
    }
}
