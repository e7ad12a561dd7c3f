using Homeserver.Core.Json;

namespace Homeserver.Core.Tests.Json;

public sealed class JsonTextTests
{
    [Theory]
    [InlineData("""{"x":"\ud800"}""", JsonTextError.LoneSurrogate)]
    [InlineData("""{"x":"\uDFFF"}""", JsonTextError.LoneSurrogate)]
    [InlineData("""{"\ud800":1}""", JsonTextError.LoneSurrogate)]
    [InlineData("""{"x":"\u0000"}""", JsonTextError.Nul)]
    [InlineData("""{"x":"\ud83d\ude00"}""", JsonTextError.None)]
    [InlineData("""{"x":"\\ud800"}""", JsonTextError.None)]
    [InlineData("""{"x":"plain"}""", JsonTextError.None)]
    public void Stored_text_is_checked_for_bad_escapes(string json, JsonTextError expected) =>
        Assert.Equal(expected, JsonText.CheckStrings(json));

    [Fact]
    public void Stored_text_that_is_not_json_is_left_to_the_parser() =>
        Assert.Equal(JsonTextError.None, JsonText.CheckStrings("""{"x":"\u00e9" """));

    [Fact]
    public void Depth_beyond_the_limit_is_too_deep() =>
        Assert.Equal(JsonTextError.TooDeep, JsonText.Check("[[[1]]]"u8, maxDepth: 2));

    [Fact]
    public void Text_that_is_not_json_at_the_limit_is_not_json() =>
        Assert.Equal(JsonTextError.NotJson, JsonText.Check("[[1"u8, maxDepth: 2));
}
