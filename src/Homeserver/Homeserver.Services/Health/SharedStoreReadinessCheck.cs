using Homeserver.Services.Shared;

namespace Homeserver.Services.Health;

/// <summary>Readiness of the shared store: optional, since the server keeps working (slower) without Redis.</summary>
public sealed class SharedStoreReadinessCheck(ISharedStore store) : IReadinessCheck
{
    public string Name => store.IsShared ? "redis" : "in-process-cache";

    public bool Required => false;

    public Task<ReadinessResult> CheckAsync(CancellationToken cancellationToken) =>
        Task.FromResult(store.IsAvailable ? ReadinessResult.Ok : new ReadinessResult(false, "unavailable"));
}
