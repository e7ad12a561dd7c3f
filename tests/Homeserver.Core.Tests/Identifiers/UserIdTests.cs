using Homeserver.Core.Identifiers;

namespace Homeserver.Core.Tests.Identifiers;

public sealed class UserIdTests
{
    [Theory]
    [InlineData("@alice:example.org", "alice", "example.org")]
    [InlineData("@a.b_c=d-e/f+g:matrix.org:8448", "a.b_c=d-e/f+g", "matrix.org:8448")]
    [InlineData("@bob:[1234:5678::abcd]:5678", "bob", "[1234:5678::abcd]:5678")]
    [InlineData("@bob:1.2.3.4", "bob", "1.2.3.4")]
    public void Compliant_user_ids_parse_into_localpart_and_domain(string text, string localpart, string domain)
    {
        Assert.True(UserId.TryParse(text, out var id, out var error), error);
        Assert.Equal(localpart, id.Localpart);
        Assert.Equal(domain, id.Domain.Value);
        Assert.True(id.IsCompliant);
    }

    [Theory]
    [InlineData("@Alice:example.org")]
    [InlineData("@al ice:example.org")]
    [InlineData("@日本:example.org")]
    [InlineData("@:example.org")]
    public void Historical_user_ids_are_accepted_but_not_compliant(string text)
    {
        Assert.True(UserId.TryParse(text, out var id, out var error), error);
        Assert.False(id.IsCompliant);
        Assert.False(UserId.TryParseCompliant(text, out _, out error));
        Assert.Contains("localpart", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("alice:example.org", "start with '@'")]
    [InlineData("@alice", "':'")]
    [InlineData("@alice:", "server name")]
    [InlineData("@alice:exa mple.org", "server name")]
    [InlineData("@al\0ice:example.org", "NUL")]
    [InlineData("@alice:example.org:99999", "port")]
    public void Invalid_user_ids_are_rejected_with_a_reason(string? text, string reasonPart)
    {
        Assert.False(UserId.TryParse(text, out _, out var error));
        Assert.Contains(reasonPart, error, StringComparison.Ordinal);
    }

    [Fact]
    public void User_ids_longer_than_255_bytes_are_rejected()
    {
        var atLimit = "@" + new string('a', 255 - "@:example.org".Length) + ":example.org";
        Assert.True(UserId.TryParse(atLimit, out _, out _));
        Assert.False(UserId.TryParse("@a" + atLimit[1..], out _, out var error));
        Assert.Contains("255 bytes", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Byte_limit_counts_utf8_bytes_not_characters()
    {
        var text = "@" + new string('é', 122) + ":example.org"; // 244 + 13 = 257 bytes, 135 chars
        Assert.False(UserId.TryParse(text, out _, out _));
    }

    [Fact]
    public void TryCreate_builds_a_compliant_user_id()
    {
        Assert.True(UserId.TryCreate("alice", ServerName.Parse("example.org"), out var id, out _));
        Assert.Equal("@alice:example.org", id.Value);
        Assert.False(UserId.TryCreate("Alice", ServerName.Parse("example.org"), out _, out _));
    }

    [Fact]
    public void Lone_surrogates_are_not_valid_utf8()
    {
        Assert.False(UserId.TryParse("@a\ud800b:example.org", out _, out var error));
        Assert.Contains("UTF-8", error, StringComparison.Ordinal);
    }
}
