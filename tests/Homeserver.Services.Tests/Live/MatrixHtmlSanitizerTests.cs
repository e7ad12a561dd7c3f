using Homeserver.Services.Live.Webhooks;

namespace Homeserver.Services.Tests.Live;

public sealed class MatrixHtmlSanitizerTests
{
    [Theory]
    [InlineData("<b>bold</b><script>alert(1)</script>", "<b>bold</b>")]
    [InlineData("<style>p{}</style><svg><a href=\"https://x.org\">s</a></svg>ok", "ok")]
    [InlineData("<div onmouseover=\"x()\" data-mx-maths=\"x^2\">m</div>", "<div data-mx-maths=\"x^2\">m</div>")]
    [InlineData("<span data-mx-color=\"#00ff00\" data-mx-bg-color=\"red\" data-mx-spoiler=\"why\">s</span>",
        "<span data-mx-color=\"#00ff00\" data-mx-spoiler=\"why\">s</span>")]
    [InlineData("<code class=\"language-csharp evil\">x</code><code class=\"evil\">y</code>",
        "<code class=\"language-csharp\">x</code><code>y</code>")]
    [InlineData("<ol start=\"3\" type=\"a\"><li>c</li></ol><ol start=\"x\"><li>d</li></ol>",
        "<ol start=\"3\"><li>c</li></ol><ol><li>d</li></ol>")]
    [InlineData("<a href=\"mailto:a@b.org\">m</a><a href=\"data:text/html,x\">d</a><a href=\"HTTPS://x.org/\">h</a>",
        "<a href=\"mailto:a@b.org\">m</a><a>d</a><a href=\"HTTPS://x.org/\">h</a>")]
    [InlineData("<img src=\"mxc://s.org/id\" onerror=\"x()\" width=\"10\" height=\"1e9\">",
        "<img src=\"mxc://s.org/id\" width=\"10\">")]
    [InlineData("<img src=\"http://s.org/p.png\" alt=\"a\">after", "after")]
    [InlineData("&lt;script&gt; &amp; <i title=\"q\">i</i>", "&lt;script&gt; &amp; <i>i</i>")]
    [InlineData("<span data-mx-spoiler=\"&quot;><script>\">s</span>",
        "<span data-mx-spoiler=\"&quot;&gt;&lt;script&gt;\">s</span>")]
    [InlineData("<!-- c --><form><input value=\"v\">f</form><iframe src=\"https://x\">i</iframe>", "f")]
    [InlineData("<table><tr><td>1</td></tr></table><hr><br>", "<table><tbody><tr><td>1</td></tr></tbody></table><hr><br>")]
    [InlineData("<details><summary>s</summary><blockquote>q</blockquote></details>",
        "<details><summary>s</summary><blockquote>q</blockquote></details>")]
    public void Keeps_only_the_specs_tags_and_attributes(string html, string expected) =>
        Assert.Equal(expected, MatrixHtmlSanitizer.Sanitize(html));

    [Fact]
    public void Elements_nested_deeper_than_the_limit_become_their_text()
    {
        var depth = MatrixHtmlSanitizer.MaxDepth + 20;
        var html = string.Concat(Enumerable.Repeat("<span>", depth)) + "a<i>&lt;x</i>" +
                   string.Concat(Enumerable.Repeat("</span>", depth));

        var sanitised = MatrixHtmlSanitizer.Sanitize(html);

        Assert.Equal(string.Concat(Enumerable.Repeat("<span>", MatrixHtmlSanitizer.MaxDepth)) + "a&lt;x" +
                     string.Concat(Enumerable.Repeat("</span>", MatrixHtmlSanitizer.MaxDepth)), sanitised);
    }
}
