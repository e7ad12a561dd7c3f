using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Rooms;

/// <summary>The users a user ignores: the keys of <c>ignored_users</c> in their global m.ignored_user_list account data
/// (none when it cannot be served, <see cref="StoredJson"/>: others' invites check it).</summary>
public sealed class IgnoredUsers(IAccountDataStore accountData, StoredJson storedJson)
{
    public const string AccountDataType = "m.ignored_user_list";

    public async Task<IReadOnlySet<string>> GetAsync(UserId userId, CancellationToken cancellationToken)
    {
        var stored = await accountData.GetAsync(userId, null, AccountDataType, cancellationToken);
        return stored is not null &&
               storedJson.ParseObject(stored, "account data", AccountDataType, userId.Value) is { } content &&
               content["ignored_users"] is JsonObject users
            ? users.Select(p => p.Key).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>();
    }

    public async Task<bool> IsIgnoringAsync(UserId userId, string otherUserId, CancellationToken cancellationToken) =>
        (await GetAsync(userId, cancellationToken)).Contains(otherUserId);
}
