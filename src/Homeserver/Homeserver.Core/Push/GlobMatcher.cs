using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace Homeserver.Core.Push;

/// <summary>
/// Case-insensitive glob matching (<c>*</c> any run, <c>?</c> one character) as push rules use it:
/// against the whole value, or against any word-bounded substring of a message body.
/// </summary>
public static class GlobMatcher
{
    private const string WordCharacter = "A-Za-z0-9_";

    // Patterns come from users' push rules and display names: the cache is emptied when full, so it stays bounded
    // however many distinct patterns arrive (the common ones are back after their next use).
    internal const int MaxCachedPatterns = 1024;
    private static readonly ConcurrentDictionary<(string Pattern, bool Words, bool Literal), Regex> Cache = new();

    /// <summary>How many compiled patterns are cached now.</summary>
    internal static int CachedPatterns => Cache.Count;

    public static bool MatchesWholeValue(string pattern, string value)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(value);
        return RegexFor(pattern, words: false, literal: false).IsMatch(value);
    }

    /// <summary>
    /// Whether the pattern matches a substring of the value that starts and ends at a word boundary
    /// (the ends of the value or a character outside [A-Za-z0-9_]).
    /// </summary>
    public static bool MatchesWords(string pattern, string value)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(value);
        // Most content rules are a user's localpart: plain text, matched without compiling a pattern per user.
        return pattern.Length > 0 && pattern.AsSpan().IndexOfAny('*', '?') < 0
            ? ContainsWordsAsText(pattern, value)
            : RegexFor(pattern, words: true, literal: false).IsMatch(value);
    }

    /// <summary>Like <see cref="MatchesWords"/> for literal text (a display name), where * and ? are plain.</summary>
    public static bool ContainsWords(string literal, string value)
    {
        ArgumentNullException.ThrowIfNull(literal);
        ArgumentNullException.ThrowIfNull(value);
        // Display names are many and distinct (one per room member): matched as text, never compiled.
        return literal.Length > 0
            ? ContainsWordsAsText(literal, value)
            : RegexFor(literal, words: true, literal: true).IsMatch(value);
    }

    private static bool ContainsWordsAsText(string text, string value)
    {
        for (var start = 0; start <= value.Length - text.Length;)
        {
            var index = value.IndexOf(text, start, StringComparison.OrdinalIgnoreCase);
            if (index < 0)
            {
                return false;
            }

            var end = index + text.Length;
            if ((index == 0 || !IsWordCharacter(value[index - 1])) && (end == value.Length || !IsWordCharacter(value[end])))
            {
                return true;
            }

            start = index + 1;
        }

        return false;
    }

    private static bool IsWordCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static Regex RegexFor(string pattern, bool words, bool literal)
    {
        var key = (pattern, words, literal);
        if (Cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        if (Cache.Count >= MaxCachedPatterns)
        {
            Cache.Clear();
        }

        return Cache.GetOrAdd(key, Compile);
    }

    private static Regex Compile((string Pattern, bool Words, bool Literal) key)
    {
        var body = new StringBuilder();
        foreach (var c in key.Pattern)
        {
            body.Append(c switch
            {
                '*' when !key.Literal => ".*",
                '?' when !key.Literal => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }

        var regex = key.Words
            ? $"(?:^|[^{WordCharacter}])(?:{body})(?:[^{WordCharacter}]|$)"
            : $"^(?:{body})$";

        // Non-backtracking: user-supplied patterns must not be able to make matching slow.
        return new Regex(regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline |
                                RegexOptions.NonBacktracking);
    }
}
