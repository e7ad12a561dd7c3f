using System.Text.RegularExpressions;

namespace Homeserver.Core.AppServices;

/// <summary>
/// One namespace entry of a registration: a regular expression over user IDs, room aliases or room IDs, and whether
/// the appservice claims the matches for itself. Like Synapse (Python's <c>re.match</c>), the expression must match
/// at the start of the value, not necessarily all of it.
/// </summary>
public sealed class AppServiceNamespace
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);
    private readonly Regex _regex;

    private AppServiceNamespace(string pattern, Regex regex, bool exclusive)
    {
        Pattern = pattern;
        _regex = regex;
        Exclusive = exclusive;
    }

    /// <summary>The expression as written in the registration file.</summary>
    public string Pattern { get; }

    public bool Exclusive { get; }

    /// <summary>Compiles <paramref name="pattern"/>; null with a reason when it is not a valid expression.</summary>
    public static AppServiceNamespace? TryCreate(string pattern, bool exclusive, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        try
        {
            var regex = new Regex(@"\A(?:" + pattern + ")", RegexOptions.CultureInvariant, MatchTimeout);
            problem = null;
            return new AppServiceNamespace(pattern, regex, exclusive);
        }
        catch (ArgumentException e)
        {
            problem = $"'{pattern}' is not a valid regular expression: {e.Message}";
            return null;
        }
    }

    /// <summary>Whether the value falls in this namespace (an expression too slow to decide counts as no match).</summary>
    public bool Matches(string value)
    {
        try
        {
            return _regex.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
