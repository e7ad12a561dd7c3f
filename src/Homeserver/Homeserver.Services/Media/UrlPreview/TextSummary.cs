using System.Text;
using System.Text.RegularExpressions;

namespace Homeserver.Services.Media.UrlPreview;

/// <summary>
/// Makes a short description out of paragraphs of text: paragraphs are taken until there are at least
/// <see cref="MinLength"/> characters, and the result is cut at a word boundary before <see cref="MaxLength"/> with an
/// ellipsis (the behaviour of Synapse's <c>summarize_paragraphs</c>).
/// </summary>
public static partial class TextSummary
{
    public const int MinLength = 200;
    public const int MaxLength = 500;

    public static string? Summarize(IEnumerable<string> paragraphs)
    {
        ArgumentNullException.ThrowIfNull(paragraphs);
        var text = new StringBuilder();
        foreach (var paragraph in paragraphs)
        {
            if (text.Length >= MinLength)
            {
                break;
            }

            text.Append(Whitespace().Replace(paragraph, " ")).Append("\n\n");
        }

        var description = Blanks().Replace(text.ToString().Trim(), " ");
        description = LineBreaks().Replace(description, "\n\n");
        if (description.Length > MaxLength)
        {
            description = CutAtWord(description);
        }

        return description.Length == 0 ? null : description;
    }

    private static string CutAtWord(string description)
    {
        var cut = new StringBuilder();
        foreach (Match word in Words().Matches(description))
        {
            if (word.Length + cut.Length < MaxLength)
            {
                cut.Append(word.Value);
                continue;
            }

            // One more (possibly huge) word when the text would be too short without it; trimmed below.
            if (cut.Length < MinLength)
            {
                cut.Append(word.Value);
            }

            break;
        }

        var text = cut.Length > MaxLength ? cut.ToString(0, MaxLength) : cut.ToString();
        return text.Trim() + "…";
    }

    [GeneratedRegex(@"[\t \r\n]+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"[\t ]+")]
    private static partial Regex Blanks();

    [GeneratedRegex(@"[\t \r\n]*[\r\n]+")]
    private static partial Regex LineBreaks();

    [GeneratedRegex(@"\s*\S+")]
    private static partial Regex Words();
}
