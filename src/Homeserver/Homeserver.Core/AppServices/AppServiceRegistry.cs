using System.Security.Cryptography;

namespace Homeserver.Core.AppServices;

/// <summary>
/// The appservices this server knows, looked up by token or id, and who owns an exclusive namespace. Ids and both
/// kinds of token are unique across registrations (<see cref="Create"/> refuses duplicates).
/// </summary>
public sealed class AppServiceRegistry
{
    private readonly Dictionary<string, AppServiceRegistration> _byTokenHash;
    private readonly Dictionary<string, AppServiceRegistration> _byId;

    private AppServiceRegistry(IReadOnlyList<AppServiceRegistration> all)
    {
        All = all;
        _byTokenHash = all.ToDictionary(r => HashOf(r.AsToken), StringComparer.Ordinal);
        _byId = all.ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    public static readonly AppServiceRegistry Empty = new([]);

    public IReadOnlyList<AppServiceRegistration> All { get; }

    /// <summary>A registry of <paramref name="registrations"/>, or the problems that make it impossible: a repeated
    /// id, an <c>as_token</c> or <c>hs_token</c> used twice (by two registrations or as both kinds), or a sender that
    /// two appservices share.</summary>
    public static AppServiceRegistry Create(IReadOnlyList<(string Source, AppServiceRegistration Registration)> registrations,
        out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        var found = new List<string>();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        var senders = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (source, registration) in registrations)
        {
            Claim(ids, registration.Id, source, "id", found);
            Claim(tokens, registration.AsToken, source, "as_token", found);
            Claim(tokens, registration.HsToken, source, "hs_token", found);
            Claim(senders, registration.Sender.Value, source, "sender_localpart", found);
        }

        problems = found;
        return found.Count == 0 ? new AppServiceRegistry(registrations.Select(r => r.Registration).ToList()) : Empty;
    }

    /// <summary>The appservice whose <c>as_token</c> this is.</summary>
    public AppServiceRegistration? FindByAsToken(string token) =>
        All.Count > 0 && _byTokenHash.TryGetValue(HashOf(token), out var registration) ? registration : null;

    public AppServiceRegistration? FindById(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The appservice that claims the user ID exclusively, if any.</summary>
    public AppServiceRegistration? ExclusiveOwnerOfUser(string userId) => All.FirstOrDefault(r => r.ClaimsUser(userId));

    /// <summary>The appservice that claims the alias exclusively, if any.</summary>
    public AppServiceRegistration? ExclusiveOwnerOfAlias(string alias) => All.FirstOrDefault(r => r.ClaimsAlias(alias));

    private static void Claim(Dictionary<string, string> seen, string value, string source, string field,
        List<string> problems)
    {
        if (!seen.TryAdd(value, source))
        {
            problems.Add($"{source}: {field} is already used by {seen[value]}");
        }
    }

    // Tokens are compared through their hashes so that a lookup's timing says nothing about a token's characters.
    private static string HashOf(string token) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
}
