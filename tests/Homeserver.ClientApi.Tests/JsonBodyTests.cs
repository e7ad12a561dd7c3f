using System.Text;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Microsoft.AspNetCore.Http;

namespace Homeserver.ClientApi.Tests;

/// <summary>The one rule for JSON bodies: UTF-8 JSON whose strings are Unicode scalar values other than U+0000.</summary>
public sealed class JsonBodyTests
{
    [Theory]
    [InlineData("""{"x": "\ud800"}""")]
    [InlineData("""{"x": "\udc00"}""")]
    [InlineData("""{"x": "a\ud800b"}""")]
    [InlineData("""{"x": "\ud800\ud800"}""")]
    [InlineData("""{"x": "\ud800\n"}""")]
    [InlineData("""{"x": "\udc00\ud800"}""")]
    [InlineData("""{"x": {"y": ["ok", "\uDBFF"]}}""")]
    [InlineData("""{"\ud800": "key"}""")]
    [InlineData("""{"messages": {"@carol:hs": {"*": {"x": "\ud800"}}}}""")]
    public async Task A_lone_surrogate_escape_anywhere_is_M_BAD_JSON(string body)
    {
        var error = await Assert.ThrowsAsync<MatrixException>(() => ReadAsync(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(ErrorCode.BadJson, error.Code);
        Assert.Contains("surrogate", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"x": "\u0000"}""")]
    [InlineData("""{"x": "a\u0000"}""")]
    [InlineData("""{"a\u0000b": 1}""")]
    [InlineData("""{"x": [{"y": "\\\u0000"}]}""")]
    public async Task U0000_anywhere_is_M_BAD_JSON(string body)
    {
        var error = await Assert.ThrowsAsync<MatrixException>(() => ReadAsync(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(ErrorCode.BadJson, error.Code);
        Assert.Contains("U+0000", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC3 })] // truncated sequence
    [InlineData(new byte[] { 0xC0, 0x80 })] // overlong U+0000
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // U+D800 encoded as UTF-8
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })] // beyond U+10FFFF
    public async Task Invalid_utf8_in_a_string_is_M_NOT_JSON(byte[] bad)
    {
        byte[] body = [.. "{\"x\": \""u8.ToArray(), .. bad, .. "\"}"u8.ToArray()];

        var error = await Assert.ThrowsAsync<MatrixException>(() => ReadAsync(body));

        Assert.Equal(ErrorCode.NotJson, error.Code);
    }

    [Fact]
    public async Task Invalid_utf8_in_a_key_is_M_NOT_JSON()
    {
        byte[] body = [.. "{\""u8.ToArray(), 0xFE, .. "\": 1}"u8.ToArray()];

        var error = await Assert.ThrowsAsync<MatrixException>(() => ReadAsync(body));

        Assert.Equal(ErrorCode.NotJson, error.Code);
    }

    [Theory]
    [InlineData("""{"x": "\ud83d\ude00"}""")]
    [InlineData("""{"x": "\uD83D\uDE00 and \u00e9"}""")]
    [InlineData("""{"x": "\\ud800"}""")] // an escaped backslash, then text
    [InlineData("""{"x": "\\u0000"}""")]
    [InlineData("""{"x": "😀 é \n \" \\"}""")]
    [InlineData("""{"\ud83d\ude00": ["\ufffd", "\uffff"]}""")]
    public async Task Valid_strings_pass(string body)
    {
        var parsed = await ReadAsync(Encoding.UTF8.GetBytes(body));

        Assert.Equal(System.Text.Json.JsonValueKind.Object, parsed.ValueKind);
    }

    [Fact]
    public async Task A_utf8_byte_order_mark_is_skipped()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. """{"a": 1}"""u8.ToArray()];

        var parsed = await ReadAsync(body);

        Assert.Equal(1, parsed.GetProperty("a").GetInt32());
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"a\": \"\0\"}")] // a raw control character in a string
    [InlineData("{} {}")]
    public async Task Text_that_is_not_json_is_M_NOT_JSON(string body)
    {
        var error = await Assert.ThrowsAsync<MatrixException>(() => ReadAsync(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(ErrorCode.NotJson, error.Code);
    }

    [Fact]
    public async Task Json_that_is_not_an_object_is_M_BAD_JSON()
    {
        var error = await Assert.ThrowsAsync<MatrixException>(() => ReadAsync("[1]"u8.ToArray()));

        Assert.Equal(ErrorCode.BadJson, error.Code);
    }

    [Fact]
    public async Task A_body_nested_up_to_the_limit_passes_and_one_level_more_is_M_BAD_JSON()
    {
        static byte[] Nested(int depth) =>
            Encoding.UTF8.GetBytes("{\"x\": " + new string('[', depth - 1) + new string(']', depth - 1) + "}");

        await ReadAsync(Nested(JsonBody.MaxDepth));
        var error = await Assert.ThrowsAsync<MatrixException>(() => ReadAsync(Nested(JsonBody.MaxDepth + 1)));

        Assert.Equal(ErrorCode.BadJson, error.Code);
        Assert.Contains("deeper", error.Message, StringComparison.Ordinal);
    }

    private static Task<System.Text.Json.JsonElement> ReadAsync(byte[] body)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        return JsonBody.ReadObjectAsync(context.Request, CancellationToken.None);
    }
}
