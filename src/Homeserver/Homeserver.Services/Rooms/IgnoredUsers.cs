using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Rooms;

/// <summary>
/// The users a user ignores: the keys of <c>ignored_users</c> in their global m.ignored_user_list account data (none
/// when it cannot be served, <see cref="StoredJson"/>: others' invites check it). Read on every /messages page and
/// /sync pass, so each user's list is kept in memory until their account data changes; with several processes a
/// change is published on <see cref="Channel"/> so every process drops its copy (as <see cref="Push.PushRuleCache"/>
/// does). Bounded: emptied when full.
/// </summary>
public sealed class IgnoredUsers(IAccountDataStore accountData, StoredJson storedJson, ISharedStore? shared = null)
    : IAccountDataObserver
{
    public const string AccountDataType = "m.ignored_user_list";

    public const string Channel = "ignored.users";

    internal const int Capacity = 100_000;

    private readonly UserValueCache<IReadOnlySet<string>> _lists = new(Channel, Capacity, shared);

    public async Task<IReadOnlySet<string>> GetAsync(UserId userId, CancellationToken cancellationToken)
    {
        if (_lists.TryGetValue(userId.Value, out var known))
        {
            return known;
        }

        var before = _lists.VersionOf(userId.Value);
        var stored = await accountData.GetAsync(userId, null, AccountDataType, cancellationToken);
        IReadOnlySet<string> list = stored is not null &&
                                    storedJson.ParseObject(stored, "account data", AccountDataType, userId.Value) is
                                        { } content &&
                                    content["ignored_users"] is JsonObject users
            ? users.Select(p => p.Key).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>();
        _lists.Keep(userId.Value, list, before);
        return list;
    }

    public async Task<bool> IsIgnoringAsync(UserId userId, string otherUserId, CancellationToken cancellationToken) =>
        (await GetAsync(userId, cancellationToken)).Contains(otherUserId);

    public void OnAccountDataChanged(string userId) => _lists.Changed(userId);

    /// <summary>Listens for other processes' account data changes (a no-op store when not shared).</summary>
    public ValueTask<IAsyncDisposable> SubscribeAsync(CancellationToken cancellationToken) =>
        _lists.SubscribeAsync(cancellationToken);
}
