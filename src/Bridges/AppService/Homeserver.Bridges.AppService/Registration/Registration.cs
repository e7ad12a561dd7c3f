using System.Text.RegularExpressions;

namespace Homeserver.Bridges.AppService.Registration;

/// <summary>One namespace entry of a registration: a regular expression and whether it is exclusive.</summary>
public sealed record NamespaceEntry(string Regex, bool Exclusive);

/// <summary>
/// An appservice registration (spec: Application Service API, Registration): what the homeserver reads from the
/// YAML file and what the appservice needs to talk to it (its tokens, sender and namespaces).
/// </summary>
public sealed record Registration(
    string Id,
    string? Url,
    string AsToken,
    string HsToken,
    string SenderLocalpart,
    IReadOnlyList<NamespaceEntry> Users,
    IReadOnlyList<NamespaceEntry> Aliases,
    IReadOnlyList<NamespaceEntry> Rooms,
    bool RateLimited,
    IReadOnlyList<string> Protocols,
    bool ReceiveEphemeral)
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>The bot's full user ID on <paramref name="serverName"/>.</summary>
    public string SenderUserId(string serverName) => $"@{SenderLocalpart}:{serverName}";

    /// <summary>True for a user ID in the users namespaces (anchored at the start, as the homeserver matches).</summary>
    public bool IsInUserNamespace(string userId) => Users.Any(n => MatchesFromStart(n.Regex, userId));

    /// <summary>True for an alias in the aliases namespaces.</summary>
    public bool IsInAliasNamespace(string alias) => Aliases.Any(n => MatchesFromStart(n.Regex, alias));

    private static bool MatchesFromStart(string pattern, string value)
    {
        try
        {
            return Regex.IsMatch(value, @"\G(?:" + pattern + ")", RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
