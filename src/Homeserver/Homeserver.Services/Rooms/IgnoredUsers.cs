using System.Text.Json;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Rooms;

/// <summary>The users a user ignores: the keys of <c>ignored_users</c> in their global m.ignored_user_list account data.</summary>
public sealed class IgnoredUsers(IAccountDataStore accountData, StoredJson storedJson)
{
    public const string AccountDataType = "m.ignored_user_list";

    public async Task<IReadOnlySet<string>> GetAsync(UserId userId, CancellationToken cancellationToken)
    {
        var stored = await accountData.GetAsync(userId, null, AccountDataType, cancellationToken);
        if (stored is null || !storedJson.CanServe(stored, "account data", AccountDataType, userId.Value))
        {
            return new HashSet<string>();
        }

        using var document = JsonDocument.Parse(stored);
        return document.RootElement.ValueKind == JsonValueKind.Object &&
               document.RootElement.TryGetProperty("ignored_users", out var users) &&
               users.ValueKind == JsonValueKind.Object
            ? users.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>();
    }

    public async Task<bool> IsIgnoringAsync(UserId userId, string otherUserId, CancellationToken cancellationToken) =>
        (await GetAsync(userId, cancellationToken)).Contains(otherUserId);
}
