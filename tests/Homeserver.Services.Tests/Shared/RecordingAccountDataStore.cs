using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Tests.Shared;

/// <summary>Global account data by type for one user, counting reads (for the caches kept over account data).</summary>
public sealed class RecordingAccountDataStore : IAccountDataStore
{
    public Dictionary<string, string> ByType { get; } = new(StringComparer.Ordinal);

    public int Reads { get; private set; }

    /// <summary>Runs once the value is read, before it is returned (a change racing the read).</summary>
    public Action? DuringRead { get; set; }

    public Task<string?> GetAsync(UserId userId, RoomId? roomId, string type, CancellationToken cancellationToken)
    {
        Reads++;
        var content = ByType.GetValueOrDefault(type);
        DuringRead?.Invoke();
        return Task.FromResult(content);
    }

    public Task<long> PutAsync(UserId userId, RoomId? roomId, string type, string content,
        CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<long> UpdateAsync(UserId userId, RoomId? roomId, string type, Func<string?, string> change,
        CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task DeleteAllAsync(UserId userId, CancellationToken cancellationToken) => throw new NotSupportedException();
}
