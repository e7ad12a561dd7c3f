using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Homeserver.Bridges.AppService.Registration;

/// <summary>
/// Makes a fresh registration: new random tokens, exclusive namespaces for the bridge's ghosts (and aliases)
/// on one server, <c>rate_limited: false</c> (a bridge relays many users through one connection).
/// </summary>
public static class RegistrationGenerator
{
    /// <param name="userPrefix">localpart prefix of the ghosts, e.g. <c>_discord_</c>; the sender must start with it
    /// or be listed separately by the homeserver (it always is).</param>
    /// <param name="aliasPrefix">alias localpart prefix, or null for no alias namespace.</param>
    public static Registration Create(string id, string? url, string senderLocalpart, string serverName,
        string userPrefix, string? aliasPrefix = null, bool receiveEphemeral = true, IReadOnlyList<string>? protocols = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(senderLocalpart);
        ArgumentException.ThrowIfNullOrWhiteSpace(serverName);
        ArgumentException.ThrowIfNullOrWhiteSpace(userPrefix);
        var server = Regex.Escape(serverName);
        var users = new List<NamespaceEntry> { new($"@{Regex.Escape(userPrefix)}.*:{server}", true) };
        var aliases = aliasPrefix is null ? new List<NamespaceEntry>() : [new($"#{Regex.Escape(aliasPrefix)}.*:{server}", true)];
        return new Registration(id, url, NewToken(), NewToken(), senderLocalpart, users, aliases, [],
            RateLimited: false, protocols ?? [], receiveEphemeral);
    }

    /// <summary>A 256-bit random token, URL-safe (letters, digits, '-' and '_').</summary>
    public static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
