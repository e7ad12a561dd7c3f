using Homeserver.Core.Identifiers;
using Homeserver.Services.Admin;

namespace Homeserver.Services.Tests.Rooms;

/// <summary>Rate-limit overrides in a dictionary, counting reads.</summary>
internal sealed class FakeOverrideStore : IRateLimitOverrideStore
{
    public Dictionary<string, RateLimitOverride> Values { get; } = new(StringComparer.Ordinal);

    public int Reads { get; private set; }

    public Task<RateLimitOverride?> GetAsync(UserId userId, CancellationToken cancellationToken)
    {
        Reads++;
        return Task.FromResult(Values.GetValueOrDefault(userId.Value));
    }

    public Task SetAsync(UserId userId, RateLimitOverride value, CancellationToken cancellationToken)
    {
        Values[userId.Value] = value;
        return Task.CompletedTask;
    }

    public Task DeleteAsync(UserId userId, CancellationToken cancellationToken)
    {
        Values.Remove(userId.Value);
        return Task.CompletedTask;
    }
}
