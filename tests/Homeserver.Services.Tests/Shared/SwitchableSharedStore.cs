using Homeserver.Services.Shared;

namespace Homeserver.Services.Tests.Shared;

/// <summary>The in-process store, told to say it is shared (Redis) and up or down.</summary>
public sealed class SwitchableSharedStore : ISharedStore, IDisposable
{
    private readonly InProcessSharedStore _inner = new();

    public bool Shared { get; set; }

    public bool Available { get; set; } = true;

    public bool IsShared => Shared;

    public bool IsAvailable => Available;

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) =>
        _inner.GetAsync(key, cancellationToken);

    public ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? expiry,
        CancellationToken cancellationToken) => _inner.SetAsync(key, value, expiry, cancellationToken);

    public ValueTask DeleteAsync(string key, CancellationToken cancellationToken) =>
        _inner.DeleteAsync(key, cancellationToken);

    public ValueTask PublishAsync(string channel, ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
        _inner.PublishAsync(channel, message, cancellationToken);

    public ValueTask<IAsyncDisposable> SubscribeAsync(string channel, Action<ReadOnlyMemory<byte>> handler,
        CancellationToken cancellationToken) => _inner.SubscribeAsync(channel, handler, cancellationToken);

    public void Dispose() => _inner.Dispose();
}
