using System.Text.Json;
using Homeserver.Core.Push;

namespace Homeserver.Core.Tests.Push;

public sealed class GlobAndPathTests
{
    [Theory]
    [InlineData("Lunch plans", true)]
    [InlineData("LUNCH", true)]
    [InlineData(" lunch", false)]
    [InlineData("lunc", false)]
    public void Whole_value_globs_match_the_spec_topic_examples(string topic, bool matches) =>
        Assert.Equal(matches, GlobMatcher.MatchesWholeValue("lunc?*", topic));

    [Theory]
    [InlineData("An example event.", true)]
    [InlineData("exple", true)]
    [InlineData("An exciting triple-whammy", true)]
    [InlineData("Anexample event", false)]
    [InlineData("example_event", false)]
    public void Body_globs_match_word_bounded_substrings_as_in_the_spec(string body, bool matches) =>
        Assert.Equal(matches, GlobMatcher.MatchesWords("ex*ple", body));

    [Fact]
    public void The_compiled_pattern_cache_stays_bounded_however_many_patterns_users_send()
    {
        for (var i = 0; i < GlobMatcher.MaxCachedPatterns + 100; i++)
        {
            Assert.True(GlobMatcher.MatchesWholeValue($"pattern{i}*", $"pattern{i}-value"));
        }

        // Other tests may add a few patterns meanwhile; the bound holds regardless.
        Assert.InRange(GlobMatcher.CachedPatterns, 1, GlobMatcher.MaxCachedPatterns + 16);
        Assert.True(GlobMatcher.MatchesWords("ex*ple", "An example event."));
    }

    [Fact]
    public void Literal_word_matching_treats_glob_characters_as_text()
    {
        Assert.True(GlobMatcher.ContainsWords("A*B", "hello A*B!"));
        Assert.False(GlobMatcher.ContainsWords("A*B", "hello AxxB!"));
    }

    [Theory]
    [InlineData("content.body", new[] { "content", "body" })]
    [InlineData("content.m\\.relates_to.rel_type", new[] { "content", "m.relates_to", "rel_type" })]
    [InlineData("content.m\\\\foo", new[] { "content", "m\\foo" })]
    [InlineData("content.m\\xfoo", new[] { "content", "m\\xfoo" })]
    public void Dot_separated_paths_honour_escapes(string path, string[] parts) =>
        Assert.Equal(parts, PropertyPath.Split(path));

    [Fact]
    public void Paths_resolve_into_nested_objects_and_stop_at_missing_steps()
    {
        using var document = JsonDocument.Parse("""{"content":{"m.relates_to":{"rel_type":"m.replace"}}}""");
        Assert.Equal("m.replace", PropertyPath.Resolve(document.RootElement, "content.m\\.relates_to.rel_type")!.Value.GetString());
        Assert.Null(PropertyPath.Resolve(document.RootElement, "content.m.relates_to"));
    }
}
